"""Use cases of the catalogue: reading the menu, pricing data for orders, 86-ing dishes."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core import i18n
from core.context import Context
from core.errors import NotFound
from menu import photos
from menu.model import Category, Dish, ModifierGroup, localized


def _dish_query():
    return select(Dish).where(Dish.active.is_(True)).options(
        selectinload(Dish.modifier_groups).selectinload(ModifierGroup.options))


def catalogue(session: Session, dish_ids: set[int]) -> dict:
    """Plain pricing data for pos.orders.ordering.price_lines, for just these dishes."""
    dishes = session.scalars(_dish_query().where(Dish.id.in_(dish_ids))
                             .options(selectinload(Dish.category))).all()
    return {d.id: {
        "price": d.price, "sold_out": d.sold_out, "station": d.station, "prep_seconds": d.prep_seconds,
        "names": d.names, "course": d.category.course,
        "groups": [{"id": g.id, "names": g.names, "min": g.min_picks, "max": g.max_picks,
                    "options": {o.id: {"names": o.names, "price_delta": o.price_delta,
                                       "prep_delta": o.prep_delta_seconds} for o in g.options}}
                   for g in d.modifier_groups]} for d in dishes}


def menu_for(ctx: Context, lang: str) -> list[dict]:
    """The menu by category in one language, as the diner page shows it. A text missing in
    that language is taken from the nearest one that has it (core.i18n.fallbacks)."""
    fallbacks = i18n.fallbacks(lang, ctx.settings.restaurant.languages)
    with ctx.db.read() as s:
        cats = s.scalars(select(Category).order_by(Category.sort, Category.id).options(
            selectinload(Category.dishes).selectinload(Dish.modifier_groups)
            .selectinload(ModifierGroup.options))).all()
        return [{
            "id": c.id, "name": localized(c.names, lang, fallbacks),
            "dishes": [{
                "id": d.id, "name": localized(d.names, lang, fallbacks),
                "description": localized(d.descriptions, lang, fallbacks),
                "price": d.price,
                "allergens": list(d.allergens or []), "diet": list(d.diet or []), "spice": d.spice or 0,
                "image": photos.url_template(d.id, d.image), "sold_out": d.sold_out,
                "groups": [{
                    "id": g.id, "name": localized(g.names, lang, fallbacks),
                    "min": g.min_picks, "max": g.max_picks,
                    "options": [{"id": o.id, "name": localized(o.names, lang, fallbacks),
                                 "price_delta": o.price_delta} for o in g.options]}
                    for g in d.modifier_groups]}
                for d in c.dishes if d.active]}
            for c in cats]


def set_sold_out(ctx: Context, dish_id: int, sold_out: bool) -> dict:
    """86 a dish (or bring it back); every open menu hears of it live."""
    with ctx.db.write() as s:
        dish = s.get(Dish, dish_id)
        if dish is None or not dish.active:
            raise NotFound(f"There is no dish {dish_id}.", code="unknown_dish")
        dish.sold_out = sold_out
        data = {"dish_id": dish.id, "sold_out": sold_out}
        ctx.publish(s, ["menu", "pos"], "dish", data)
    return data


def all_dishes(ctx: Context) -> list[dict]:
    lang = ctx.settings.restaurant.kitchen_lang
    with ctx.db.read() as s:
        dishes = s.scalars(select(Dish).where(Dish.active.is_(True)).order_by(Dish.category_id, Dish.sort)).all()
        return [{"id": d.id, "name": localized(d.names, lang), "station": d.station, "sold_out": d.sold_out}
                for d in dishes]


def stations_in_use(ctx: Context) -> set[str]:
    with ctx.db.read() as s:
        return set(s.scalars(select(Dish.station).where(Dish.active.is_(True)).distinct()))
