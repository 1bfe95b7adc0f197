"""The catalogue: categories, dishes, modifier groups and their options.

Names and descriptions are stored per language as JSON objects such as
``{"zh-Hant": "宮保雞丁", "en": "Kung Pao Chicken"}``; ``localized`` picks one.
"""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import Base


def localized(texts: dict[str, str] | None, lang: str, fallbacks: tuple[str, ...] = ()) -> str:
    """The text in lang, else in the first fallback language that has one, else any."""
    texts = texts or {}
    for code in (lang, *fallbacks):
        if texts.get(code):
            return texts[code]
    return next((v for v in texts.values() if v), "")


dish_modifier_groups = Table(
    "dish_modifier_groups",
    Base.metadata,
    Column("dish_id", ForeignKey("dishes.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("modifier_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("sort", Integer, nullable=False, default=0),
)


class Category(Base):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    names: Mapped[dict] = mapped_column(JSON)
    sort: Mapped[int] = mapped_column(default=0)
    # When its dishes are served, for the kitchen's plan: 0 as soon as ready (drinks, not
    # held for the food), 1 starters, 2 mains, 3 desserts. Dishes of one order and course
    # are planned to be ready together, each course after the one before.
    course: Mapped[int] = mapped_column(default=2, server_default="2")
    dishes: Mapped[list["Dish"]] = relationship(back_populates="category", order_by="Dish.sort")


class Dish(Base):
    __tablename__ = "dishes"
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    names: Mapped[dict] = mapped_column(JSON)
    descriptions: Mapped[dict] = mapped_column(JSON, default=dict)
    price: Mapped[int] = mapped_column()  # minor units (cents)
    prep_seconds: Mapped[int] = mapped_column(default=300)
    station: Mapped[str] = mapped_column(String(32))
    allergens: Mapped[list] = mapped_column(JSON, default=list)  # codes, e.g. ["peanut", "soy"]
    diet: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")  # "vegetarian", "vegan"
    spice: Mapped[int] = mapped_column(default=0, server_default="0")  # 0 not spicy .. 3 very spicy, as served
    image: Mapped[str | None] = mapped_column(String(255))
    sold_out: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(default=0)

    category: Mapped[Category] = relationship(back_populates="dishes")
    modifier_groups: Mapped[list["ModifierGroup"]] = relationship(
        secondary=dish_modifier_groups, order_by=dish_modifier_groups.c.sort)


class ModifierGroup(Base):
    __tablename__ = "modifier_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    names: Mapped[dict] = mapped_column(JSON)
    min_picks: Mapped[int] = mapped_column(default=0)
    max_picks: Mapped[int] = mapped_column(default=1)
    options: Mapped[list["ModifierOption"]] = relationship(
        back_populates="group", order_by="ModifierOption.sort", cascade="all, delete-orphan")


class ModifierOption(Base):
    __tablename__ = "modifier_options"
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("modifier_groups.id", ondelete="CASCADE"), index=True)
    names: Mapped[dict] = mapped_column(JSON)
    price_delta: Mapped[int] = mapped_column(default=0)  # minor units, may be negative
    prep_delta_seconds: Mapped[int] = mapped_column(default=0)
    sort: Mapped[int] = mapped_column(default=0)
    group: Mapped[ModifierGroup] = relationship(back_populates="options")
