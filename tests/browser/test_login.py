"""A staff member logs in through Chromium and sees the home page in Chinese."""

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.mark.django_db(transaction=True)
def test_staff_logs_in_and_out(live_server, page):
    UserFactory(username="hao", last_name="郝", first_name="向松")
    page.goto(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "工作人员登录"
    page.fill("#id_username", "hao")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.locator(".form-errors").inner_text()
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    assert "您好,郝向松" in page.locator("h1").inner_text()
    assert "下一个工作日" in page.content()
    page.click("text=退出")
    assert page.locator("h1").inner_text() == "工作人员登录"
