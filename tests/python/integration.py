"""A partner's integration, written only with the client that openapi-python-client
generates from openapi/openapi.json (`cargo xtask python-client` generates it and runs this
against the real server with the demo data).

Each step is what an integrator of a CPAS would do; an assertion failing means the document
does not let a generated client do it.
"""

import io
import os
import sys
import uuid

import openpyxl

from pst_client import AuthenticatedClient, Client
from pst_client.api.actions import get_action, get_action_history, list_actions
from pst_client.api.auth import login
from pst_client.api.change_requests import approve_change_request, propose_change
from pst_client.api.integrations import create_api_token
from pst_client.api.me import get_me
from pst_client.api.organisations import list_organisations
from pst_client.api.plans import export_plan, get_plan, import_plan, list_plans
from pst_client.models import (
    ActionChanges,
    ApiScope,
    ChangeRequest,
    ExportPlanFormat,
    LoginRequest,
    NewApiToken,
    NewChangeRequest,
    PlanTree,
    Problem,
    ProblemCode,
)
from pst_client.types import File

BASE_URL = os.environ["PST_BASE_URL"]
PASSWORD = os.environ["PST_DEMO_PASSWORD"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def step(text: str) -> None:
    print(f"python client: {text}", flush=True)


def person(email: str) -> AuthenticatedClient:
    """A client signed in as a demo account."""
    tokens = login.sync(
        client=Client(base_url=BASE_URL, raise_on_unexpected_status=True),
        body=LoginRequest(email=email, password=PASSWORD),
    )
    assert tokens is not None and not isinstance(tokens, Problem), tokens
    return AuthenticatedClient(
        base_url=BASE_URL, token=tokens.access_token, raise_on_unexpected_status=True
    )


def main() -> None:
    step("the Directeur général logs in and reads the plan tree")
    dg = person("dg@cpas-a.example")
    plans = list_plans.sync(client=dg)
    assert isinstance(plans, list) and plans, plans
    plan = plans[0]
    tree = get_plan.sync(plan_id=plan.id, client=dg)
    assert isinstance(tree, PlanTree), tree
    actions = {
        action.code: action
        for strategic in tree.objectives
        for operational in strategic.operational_objectives
        for action in operational.actions
    }
    assert "Pe18" in actions, sorted(actions)

    step("the DG gives the PCS an API token")
    pcs_person = person("pcs@cpas-a.example")
    me = get_me.sync(client=pcs_person)
    assert me is not None and not isinstance(me, Problem) and me.organisation, me
    organisations = list_organisations.sync(client=dg)
    assert any(o.id == me.organisation.id for o in organisations), organisations
    created = create_api_token.sync(
        client=dg,
        body=NewApiToken(
            name="Intégration du PCS",
            organisation_id=me.organisation.id,
            scopes=[ApiScope.PLANSREAD, ApiScope.ACTIONSPROPOSE],
        ),
    )
    assert created is not None and not isinstance(created, Problem), created
    pcs = AuthenticatedClient(base_url=BASE_URL, token=created.secret)

    step("the PCS's integration proposes a change, with an Idempotency-Key, and retries it")
    action = get_action.sync(action_id=actions["Pe18"].id, client=pcs)
    assert action is not None and not isinstance(action, Problem), action
    key = str(uuid.uuid4())
    proposal = NewChangeRequest(
        base_version=action.action.version,
        changes=ActionChanges(progress=(action.action.progress + 7) % 100),
        note="Mise à jour par l'intégration du PCS.",
    )
    first = propose_change.sync_detailed(
        action_id=action.action.id, client=pcs, body=proposal, idempotency_key=key
    )
    assert first.status_code == 201, (first.status_code, first.content)
    assert isinstance(first.parsed, ChangeRequest), first.parsed
    assert "Idempotent-Replayed" not in first.headers
    again = propose_change.sync_detailed(
        action_id=action.action.id, client=pcs, body=proposal, idempotency_key=key
    )
    assert again.status_code == 201, (again.status_code, again.content)
    assert again.headers.get("Idempotent-Replayed") == "true", again.headers
    assert isinstance(again.parsed, ChangeRequest) and again.parsed.id == first.parsed.id

    step("deciding is for people: the token is refused with a stable code")
    refused = approve_change_request.sync_detailed(change_request_id=first.parsed.id, client=pcs)
    assert refused.status_code == 403, refused.status_code
    assert isinstance(refused.parsed, Problem), refused.parsed
    assert refused.parsed.code == ProblemCode.API_TOKEN_NOT_ALLOWED, refused.parsed.code

    step("the president approves it, without a body")
    president = person("president@cpas-a.example")
    approved = approve_change_request.sync(change_request_id=first.parsed.id, client=president)
    assert isinstance(approved, ChangeRequest), approved
    assert approved.status.value == "approved", approved.status

    step("the history shows the change")
    history = get_action_history.sync(action_id=action.action.id, client=pcs)
    assert isinstance(history, list) and history, history
    assert any(entry.change_request_id == first.parsed.id for entry in history), history

    step("the plan exported as XLSX opens as a workbook")
    exported = export_plan.sync_detailed(plan_id=plan.id, client=dg, format_=ExportPlanFormat.XLSX)
    assert exported.status_code == 200, exported.status_code
    workbook = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = workbook.worksheets[0]
    codes = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert "Pe18" in codes, codes[:10]

    step("the same workbook imported as a dry run")
    dry_run = import_plan.sync_detailed(
        client=dg,
        body=File(payload=io.BytesIO(exported.content), file_name="plan.xlsx", mime_type=XLSX),
        title="Copie du plan (essai)",
        dry_run=True,
    )
    assert dry_run.status_code == 200, (dry_run.status_code, dry_run.content[:500])
    assert isinstance(dry_run.parsed, PlanTree), dry_run.parsed
    imported = sum(
        len(operational.actions)
        for strategic in dry_run.parsed.objectives
        for operational in strategic.operational_objectives
    )
    assert imported == len(actions), (imported, len(actions))

    step("the actions, page by page, to the end")
    seen = []
    page = 1
    while True:
        answer = list_actions.sync(client=pcs, page=page, per_page=7)
        assert answer is not None and not isinstance(answer, Problem), answer
        seen.extend(item.id for item in answer.items)
        if page * answer.per_page >= answer.total:
            break
        page += 1
    assert len(seen) == len(set(seen)) == answer.total, (len(seen), answer.total)
    assert page > 1, "more than one page"

    step("all steps passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"python client: FAILED: {error!r}", file=sys.stderr)
        raise
