import pytest
pytestmark = pytest.mark.django_db
def test_x(api, petition):
    r = api.post("/api/v1/signatures/confirm/", data=b"\x00", content_type="application/json")
    print(r.status_code, r.content)
    r = api.post("/api/v1/signatures/confirm/", data=b'{"token": "\\u0000"}', content_type="application/json")
    print(r.status_code, r.content)
    assert 0
