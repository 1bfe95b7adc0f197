"""The demo restaurant, created on first start when the database is empty: a
trilingual Hong Kong menu (Traditional and Simplified Chinese, English), 12 tables, and one staff member per role (PINs in the README)."""
from __future__ import annotations

from sqlalchemy import func, select

from core.context import Context
from core.time import business_day
from menu.model import Category, Dish, ModifierGroup, ModifierOption
from pos.checks.model import RegisterSession
from pos.orders.model import DiningTable
from pos.orders.visits import new_visit
from staff.model import StaffUser
from staff.services import create_user

DEMO_FLOAT = 50000  # minor units in the register when the demo day opens
STAFF = [("Ming 阿明", "cook", "1111"), ("Ling 阿玲", "cashier", "2222"),
         ("May 美姐", "manager", "3333"), ("Admin", "admin", "4444")]


def _n(hant: str, en: str, hans: str | None = None) -> dict:
    names = {"zh-Hant": hant, "en": en}
    if hans:
        names["zh-Hans"] = hans
    return names


# group key -> (names, min, max, [(zh-Hant, zh-Hans, en, price_delta, prep_delta_seconds)])
GROUPS = {
    "spice": (_n("辣度", "Spice level", "辣度"), 1, 1, [
        ("不辣", "不辣", "Not spicy", 0, 0), ("小辣", "微辣", "Mild", 0, 0),
        ("中辣", "中辣", "Medium", 0, 0), ("大辣", "特辣", "Hot", 0, 0)]),
    "size": (_n("份量", "Size", "分量"), 1, 1, [
        ("例牌", "例牌", "Regular", 0, 0), ("中份", "中份", "Medium", 3000, 60), ("大份", "大份", "Large", 6000, 120)]),
    "addons": (_n("加配", "Add-ons", "加配"), 0, 3, [
        ("加蛋", "加蛋", "Fried egg", 800, 60), ("加飯", "加饭", "Extra rice", 1000, 0),
        ("加芽菜", "加豆芽", "Extra bean sprouts", 500, 30)]),
    "temp": (_n("冷熱", "Hot or iced", "冷热"), 1, 1, [("熱", "热", "Hot", 0, 0), ("凍", "冰", "Iced", 300, 0)]),
    "sugar": (_n("甜度", "Sweetness", "甜度"), 0, 1, [
        ("少甜", "少糖", "Less sweet", 0, 0), ("走甜", "无糖", "No sugar", 0, 0)]),
}

V, VG = ["vegetarian"], ["vegetarian", "vegan"]
# (category names, station, course, [(zh-Hant, zh-Hans, en, price HK$, prep minutes, groups, allergens,
#   diet, spice 0-3, description zh-Hant, zh-Hans, en)])
MENU = [
    (_n("前菜", "Starters", "前菜"), "cold", 1, [
        ("拍青瓜", "拍黄瓜", "Smashed Cucumber", 38, 3, [], ["sesame"], VG, 0,
         "蒜蓉麻油涼拌", "蒜蓉麻油凉拌", "With garlic and sesame oil"),
        ("口水雞", "口水鸡", "Mouth-Watering Chicken", 78, 4, ["spice"], ["peanut", "sesame"], [], 2,
         "四川紅油雞", "四川红油鸡", "Sichuan chilli-oil chicken"),
        ("皮蛋豆腐", "皮蛋豆腐", "Century Egg Tofu", 48, 3, [], ["egg", "soy"], V, 0,
         "滑豆腐配皮蛋", "嫩豆腐配皮蛋", "Silken tofu with century egg"),
        ("涼拌海蜇", "凉拌海蜇", "Jellyfish Salad", 58, 3, [], ["sesame", "fish"], [], 0,
         "爽脆海蜇", "爽脆海蜇", "Crunchy jellyfish in vinegar"),
        ("花雕醉雞", "花雕醉鸡", "Drunken Chicken", 88, 4, [], [], [], 0,
         "花雕酒浸雞", "花雕酒浸鸡", "Chicken steeped in Shaoxing wine"),
    ]),
    (_n("燒味", "Roast Meats", "烧味"), "grill", 2, [
        ("蜜汁叉燒", "蜜汁叉烧", "Honey BBQ Pork", 98, 6, ["size"], ["soy"], [], 0,
         "即燒叉燒", "现烤叉烧", "Char siu glazed to order"),
        ("脆皮燒肉", "脆皮烧肉", "Crispy Roast Pork", 108, 6, ["size"], [], [], 0,
         "金黃脆皮", "金黄脆皮", "Crackling pork belly"),
        ("明爐燒鵝", "明炉烧鹅", "Roast Goose", 148, 8, ["size"], ["soy"], [], 0,
         "招牌燒鵝", "招牌烧鹅", "House roast goose"),
        ("豉油雞", "豉油鸡", "Soy Sauce Chicken", 88, 6, ["size"], ["soy"], [], 0,
         "玫瑰豉油雞", "玫瑰豉油鸡", "Rose-wine soy chicken"),
        ("椒鹽排骨", "椒盐排骨", "Salt & Pepper Spare Ribs", 92, 9, ["spice"], [], [], 1,
         "炸排骨", "炸排骨", "Fried spare ribs, chilli salt"),
    ]),
    (_n("小炒", "Wok Dishes", "小炒"), "wok", 2, [
        ("宮保雞丁", "宫保鸡丁", "Kung Pao Chicken", 88, 8, ["spice", "size"], ["peanut", "soy"], [], 1,
         "花生辣椒炒雞", "花生辣椒炒鸡", "Chicken, peanuts, dried chillies"),
        ("麻婆豆腐", "麻婆豆腐", "Mapo Tofu", 68, 7, ["spice"], ["soy"], [], 2,
         "麻辣豆腐", "麻辣豆腐", "Tofu in numbing chilli sauce"),
        ("椒鹽鮮魷", "椒盐鲜鱿", "Salt & Pepper Squid", 98, 8, ["spice"], ["shellfish"], [], 1,
         "酥炸鮮魷", "酥炸鲜鱿", "Crisp squid, chilli salt"),
        ("蒜蓉炒菜心", "蒜蓉炒菜心", "Garlic Choy Sum", 58, 5, [], [], VG, 0,
         "時令菜心", "时令菜心", "Seasonal greens with garlic"),
        ("咕嚕肉", "咕噜肉", "Sweet & Sour Pork", 88, 9, ["size"], ["gluten"], [], 0,
         "菠蘿甜酸肉", "菠萝甜酸肉", "With pineapple and peppers"),
        ("豉椒炒蜆", "豉椒炒蚬", "Clams in Black Bean Sauce", 118, 9, ["spice"], ["shellfish", "soy"], [], 1,
         "豆豉辣椒", "豆豉辣椒", "With black beans and chilli"),
    ]),
    (_n("粉麵飯", "Rice & Noodles", "粉面饭"), "wok", 2, [
        ("乾炒牛河", "干炒牛河", "Beef Chow Fun", 78, 7, ["addons"], ["soy"], [], 0,
         "鑊氣牛河", "镬气牛河", "Wok-fried rice noodles with beef"),
        ("揚州炒飯", "扬州炒饭", "Yangzhou Fried Rice", 72, 6, ["addons"], ["egg", "shellfish"], [], 0,
         "蝦仁叉燒炒飯", "虾仁叉烧炒饭", "With shrimp and char siu"),
        ("星洲炒米", "星洲炒米", "Singapore Noodles", 72, 7, ["spice", "addons"], ["shellfish"], [], 1,
         "咖喱炒米粉", "咖喱炒米粉", "Curry rice vermicelli"),
        ("鮮蝦雲吞麵", "鲜虾云吞面", "Shrimp Wonton Noodles", 58, 6, [], ["shellfish", "gluten", "egg"], [], 0,
         "竹昇麵", "竹升面", "Bamboo-pressed egg noodles"),
        ("叉燒飯", "叉烧饭", "BBQ Pork on Rice", 62, 4, ["addons"], ["soy"], [], 0,
         "叉燒配白飯", "叉烧配白饭", "Char siu over rice"),
    ]),
    (_n("湯羹", "Soups", "汤羹"), "wok", 1, [
        ("酸辣湯", "酸辣汤", "Hot & Sour Soup", 48, 5, ["spice"], ["egg", "soy"], [], 1,
         "胡椒醋湯", "胡椒醋汤", "Pepper and vinegar"),
        ("老火例湯", "老火例汤", "Soup of the Day", 28, 2, [], [], [], 0,
         "每日不同", "每日不同", "Slow-boiled, changes daily"),
        ("粟米魚肚羹", "粟米鱼肚羹", "Sweetcorn Fish Maw Soup", 68, 6, [], ["fish", "egg"], [], 0,
         "粟米羹", "粟米羹", "Sweetcorn broth"),
    ]),
    (_n("甜品", "Desserts", "甜品"), "cold", 3, [
        ("芒果布甸", "芒果布丁", "Mango Pudding", 32, 2, [], ["milk"], [], 0,
         "香滑布甸", "香滑布丁", "Silky mango pudding"),
        ("楊枝甘露", "杨枝甘露", "Mango Pomelo Sago", 42, 3, [], ["milk"], V, 0,
         "芒果西柚西米", "芒果西柚西米", "Mango, pomelo and sago"),
        ("燉蛋", "炖蛋", "Steamed Egg Custard", 32, 10, [], ["egg", "milk"], V, 0,
         "薑汁燉蛋", "姜汁炖蛋", "Ginger egg custard"),
    ]),
    (_n("飲品", "Drinks", "饮品"), "bar", 0, [
        ("港式奶茶", "港式奶茶", "HK Milk Tea", 24, 2, ["temp", "sugar"], ["milk"], V, 0,
         "絲襪奶茶", "丝袜奶茶", "Silk-stocking milk tea"),
        ("凍檸茶", "冻柠茶", "Iced Lemon Tea", 24, 2, ["sugar"], [], VG, 0, "鮮檸檬", "鲜柠檬", "Fresh lemon"),
        ("鴛鴦", "鸳鸯", "Yuenyeung", 26, 2, ["temp", "sugar"], ["milk"], V, 0,
         "咖啡奶茶", "咖啡奶茶", "Coffee with milk tea"),
        ("青島啤酒", "青岛啤酒", "Tsingtao Beer", 38, 1, [], ["gluten"], VG, 0, "330ml", "330ml", "330 ml bottle"),
    ]),
]

TABLES = [("T1", 2), ("T2", 2), ("T3", 4), ("T4", 4), ("T5", 4), ("T6", 4),
          ("T7", 6), ("T8", 6), ("T9", 8), ("T10", 4), ("T11", 2), ("T12", 10)]


def is_empty(ctx: Context) -> bool:
    with ctx.db.read() as s:
        return not s.scalar(select(func.count(DiningTable.id))) and not s.scalar(select(func.count(Dish.id)))


def seed_demo(ctx: Context, staff: bool = True) -> None:
    with ctx.db.write() as s:
        groups = {}
        for key, (names, lo, hi, options) in GROUPS.items():
            groups[key] = ModifierGroup(names=names, min_picks=lo, max_picks=hi, options=[
                ModifierOption(names=_n(hant, en, hans), price_delta=price, prep_delta_seconds=prep, sort=i)
                for i, (hant, hans, en, price, prep) in enumerate(options)])
            s.add(groups[key])
        for ci, (cat_names, station, course, dishes) in enumerate(MENU):
            cat = Category(names=cat_names, sort=ci, course=course)
            s.add(cat)
            for di, (hant, hans, en, price, minutes, gkeys, allergens, diet, spice, d_hant, d_hans, d_en) \
                    in enumerate(dishes):
                s.add(Dish(category=cat, names=_n(hant, en, hans), descriptions=_n(d_hant, d_en, d_hans),
                           price=price * 100, prep_seconds=minutes * 60, station=station, allergens=allergens,
                           diet=diet, spice=spice, sort=di, modifier_groups=[groups[k] for k in gkeys]))
        for i, (name, seats) in enumerate(TABLES):
            table = DiningTable(name=name, seats=seats, sort=i)
            s.add(table)
            s.flush()
            new_visit(ctx, s, table.id)
        if staff and not s.scalar(select(func.count(StaffUser.id))):
            for name, role, pin in STAFF:
                create_user(s, name, role, pin)
        # The demo's day is open, with a HK$500 float: payments need an open register.
        now = ctx.clock.now()
        s.add(RegisterSession(business_day=business_day(now, ctx.settings.restaurant.tz), opened_at=now,
                              float_amount=DEMO_FLOAT, open_marker=1))
