"""The menu bar: a topic with two or more entries the user may open becomes one drop-down; a topic with one entry
stays a plain link; the chief's menu has few enough top-level entries to fit one line."""

from accounts.policy import user_perms
from core.nav import nav_for, nav_menu


def _item(name, group=""):
    return {"label": name, "url": f"/{name}/", "name": name, "group": group}


def test_a_topic_with_several_entries_is_one_drop_down_where_its_first_entry_was():
    items = [_item("home"), _item("dashboard", "reports"), _item("cases"), _item("weekly", "reports"),
             _item("roles", "admin")]
    menu = nav_menu(items, "/weekly/")
    assert [e.get("name") or e["key"] for e in menu] == ["home", "reports", "cases", "roles"]
    reports = menu[1]
    assert [c["name"] for c in reports["children"]] == ["dashboard", "weekly"]
    assert reports["active"] and reports["children"][1]["active"] and not reports["children"][0]["active"]
    assert "children" not in menu[3] and not menu[0]["active"]  # a lone entry of its topic is a plain link


def test_the_chiefs_menu_is_grouped_and_keeps_every_page(org):
    items = nav_for(org.chief, user_perms(org.chief))
    menu = nav_menu(items)
    assert len(menu) <= 11 < len(items)
    listed = [c["name"] for e in menu for c in e.get("children", [e])]
    assert sorted(listed) == sorted(i["name"] for i in items)
    officer = nav_menu(nav_for(org.officer, user_perms(org.officer)))
    assert [e["name"] for e in officer[:3]] == ["core:home", "cases:my_cases", "cases:list"]
