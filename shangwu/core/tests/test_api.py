"""The REST API base: token and session authentication, pagination, filters, schema, docs."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_create_token_prints_a_token_that_authenticates(capsys, county_a, make_enterprise):
    make_enterprise(county="419902", name="令牌测试企业有限公司")
    call_command("create_token", "county_a")
    out = capsys.readouterr().out
    token = out.split("令牌：")[1].split()[0]
    assert len(token) == 40 and "有效期至：" in out
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = api.get("/api/enterprises/", {"q": "令牌"}).json()
    assert body["count"] == 1 and body["results"][0]["name"] == "令牌测试企业有限公司"


def test_create_token_names_an_unknown_user():
    with pytest.raises(CommandError, match="用户名“nobody”不存在"):
        call_command("create_token", "nobody")


def test_a_locked_accounts_token_stops_working(county_a):
    from datetime import timedelta

    from django.utils import timezone

    from shangwu.accounts.services import token_create

    token = token_create(user=county_a)
    county_a.locked_until = timezone.now() + timedelta(minutes=5)
    county_a.save(update_fields=["locked_until"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/enterprises/").status_code in (401, 403)


def test_api_pages_and_filters(county_a, make_enterprise):
    for i in range(3):
        make_enterprise(county="419902", name=f"分页企业{i}有限公司")
    api = APIClient()
    api.force_authenticate(county_a)
    body = api.get("/api/enterprises/", {"page_size": 2, "q": "分页企业"}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]


def test_api_rejects_bad_input_with_chinese_field_messages(county_a, region):
    api = APIClient()
    api.force_authenticate(county_a)
    response = api.post(
        "/api/enterprises/",
        {"credit_code": "91419902MA12345670", "name": "坏代码企业"},
        format="json",
    )
    assert response.status_code == 400
    assert "校验位" in str(response.json()["credit_code"])


def test_openapi_schema_lists_the_endpoints(client, leader):
    client.force_login(leader)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = (
        response.json()["paths"]
        if response["Content-Type"].startswith("application/vnd.oai.openapi+json")
        else {}
    )
    schema_text = response.content.decode()
    assert "/api/enterprises/" in schema_text and "/api/regions/" in schema_text
    del paths


def test_api_docs_page_uses_only_local_assets(client, leader):
    client.force_login(leader)
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html


def test_the_schema_and_its_docs_are_for_signed_in_users_only(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and "/accounts/login/" in docs["Location"]
