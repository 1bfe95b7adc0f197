"""The menu API: reading it, and marking dishes sold out (86) and back."""
from __future__ import annotations

from flask import Blueprint, jsonify
from pydantic import Field, RootModel

from core.api import Out, Schema, api
from core.web import current_ctx, language
from menu import services
from staff.auth import role_guard

bp = Blueprint("menu", __name__)



class SoldOut(Schema):
    sold_out: bool


class OptionOut(Out):
    id: int
    name: str
    price_delta: int


class GroupOut(Out):
    id: int
    name: str
    min: int
    max: int
    options: list[OptionOut]


class MenuDishOut(Out):
    id: int
    name: str
    description: str
    price: int
    allergens: list[str]
    diet: list[str] = Field(description="vegetarian, vegan")
    spice: int = Field(ge=0, le=3, description="0 not spicy .. 3 very spicy, as served")
    image: str | None = Field(description='the photo\'s URL with "{w}" for a width: 160 or 320 for a thumbnail, '
                                          '480 or 960 for a full-width picture; null without a photo')
    sold_out: bool
    groups: list[GroupOut]


class CategoryOut(Out):
    id: int
    name: str
    dishes: list[MenuDishOut]


class MenuOut(RootModel[list[CategoryOut]]):
    pass


class DishStateOut(Out):
    id: int
    name: str
    station: str
    sold_out: bool


class DishesOut(RootModel[list[DishStateOut]]):
    pass


class SoldOutOut(Out):
    dish_id: int
    sold_out: bool


@api.route(bp, "/api/menu", "GET", response=MenuOut, summary="The menu by category in one language (?lang=)")
def get_menu():
    ctx = current_ctx()
    return jsonify(services.menu_for(ctx, language(ctx)))


@api.route(bp, "/api/menu/dishes", "GET", guard=role_guard("cook"), response=DishesOut,
           summary="Every dish with its station and sold-out state (kitchen language)")
def dishes():
    return jsonify(services.all_dishes(current_ctx()))


@api.route(bp, "/api/menu/dishes/<id:dish_id>/sold-out", "POST", body=SoldOut, guard=role_guard("cook"),
           response=SoldOutOut,
           summary="Mark a dish sold out (86) or available again", errors=(404,))
def sold_out(dish_id: int, body: SoldOut):
    return jsonify(services.set_sold_out(current_ctx(), dish_id, body.sold_out))
