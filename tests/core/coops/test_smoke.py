def test_home_lists_cooperatives(client, people):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Alpha" in response.content and b"Beta" in response.content
