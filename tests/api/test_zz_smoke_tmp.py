from tests.conftest import running_app
async def test_smoke(settings):
    async for _, http in running_app(settings.model_copy(update={"dev_mode": False})):
        for body, hdr in [
            ({"query": "{ agencies { code } }"}, {}),
            ({"query": "{ agencies { nam } }"}, {}),
            ({"query": "{ agencies { nam } }"}, {"accept": "application/graphql-response+json"}),
            ({"query": "{ agencies { code } }"}, {"accept": "application/graphql-response+json"}),
            ({"query": "{ __schema { types { name } } }"}, {}),
            ([{"query": "{ agencies { code } }"}] * 3, {}),
        ]:
            r = await http.post("/graphql", json=body, headers=hdr)
            print(r.status_code, dict(r.headers), r.text[:300])
        r = await http.post("/graphql", content='{"query":"{ agencies { code } }"}', headers={"content-type": "text/plain"})
        print(r.status_code, r.text)
        r = await http.get("/graphql", params={"query": "mutation { removeCalendarDay(day: \"2025-01-01\") }"})
        print(r.status_code, r.text)
