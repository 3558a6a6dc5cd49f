"""Every read of the API, fuzzed with the tokens of two counties' administrators (issue 20).

Schemathesis draws cases of each GET operation from the API's own spec, in process; each is
sent with the token of county A's administrator or of the other county's, who must see
nothing of county A. Every answer must be no server error; a 200 must match the schema the
spec documents for it (a page, a record, a figure: what other systems read us by); and no
answer to the other county may carry a marker of county A's records beyond what its own
request sent (an id or a place code it made up, echoed in the refusal).

County A's records are the scoping walk's world, so the ids the cases guess hit real
records of A; writes aimed at A are the walk's and the API fuzz's. ``make fuzz`` runs this
with ``BANGFU_FUZZ_SCALE`` times the examples.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from bangfu.accounts.services import api_token_create
from tests.fuzz.harness import fuzz_settings
from tests.test_scoping_walk import MARKERS, county_a  # noqa: F401 (a fixture)

EXAMPLES_PER_READ = 4


def sent_values(case) -> list[str]:
    """What the request itself carried, longest first (a refusal may echo it)."""
    values = [*(case.path_parameters or {}).values(), *(case.query or {}).values()]
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return sorted({str(v) for v in flat if str(v)}, key=len, reverse=True)


def leaked(case, text: str) -> list[str]:
    for value in sent_values(case):
        text = text.replace(value, "")
    return [marker for marker in MARKERS if marker in text]


def briefly(failure: Exception) -> str:
    """The failure's title and first reason, without the schema it prints after them."""
    lines = [line.strip() for line in str(failure).splitlines() if line.strip()]
    return " / ".join(lines[1:3])


@pytest.mark.django_db(transaction=True)
def test_two_counties_read_every_operation_within_their_places(
    county_a,  # noqa: F811 (the fixture imported above)
    county_admin,
    other_county_admin,
):
    keys = {
        "A": api_token_create(actor=county_admin, user_id=county_admin.pk, name="fuzz")[1],
        "B": api_token_create(actor=other_county_admin, user_id=other_county_admin.pk, name="fuzz")[
            1
        ],
    }
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    reads = [result.ok() for result in schema.get_all_operations() if result.ok().method == "get"]
    assert len(reads) > 50, "the spec lists the API's reads"
    problems: list[str] = []
    sent = {"A": 0, "B": 0}

    for operation in reads:

        @fuzz_settings(EXAMPLES_PER_READ)
        @given(case=operation.as_strategy(), who=st.sampled_from(["A", "B"]))
        def read(case, who):
            response = case.call(headers={"Authorization": f"Bearer {keys[who]}"})
            sent[who] += 1
            shown = f"{who} {case.method} {case.formatted_path} {case.query or ''}"
            checks = [not_a_server_error]
            if response.status_code == 200:
                checks.append(response_schema_conformance)
            try:
                case.validate_response(response, checks=checks)
            except (AssertionError, FailureGroup) as failure:
                problems.append(f"{shown} → {response.status_code}: {briefly(failure)}")
            if who == "B" and (markers := leaked(case, response.text)):
                problems.append(f"{shown} → {response.status_code} shows {markers}")

        read()

    assert sent["A"] and sent["B"]
    assert problems == [], "\n".join(problems)
