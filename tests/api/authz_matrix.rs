//! The authorization matrix: every route × every kind of caller × own CPAS / other CPAS
//! (and own / other organisation where it matters) → the expected status.
//!
//! The table must cover every route of the OpenAPI document (which lists exactly the
//! registered routes): adding a route without deciding who may call it fails this test.

use std::collections::BTreeSet;

use api_types::{ActionRef, PlanSummary, PlanTree, User};
use reqwest::Method;
use serde_json::{Value, json};
use tests::{TestApp, spawn_app};

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Admin,
    President,
    Dg,
    SocialWorker,
    /// `pcs@cpas-a.example`: lead of Pe17–Pe20.
    Partner,
    /// A social worker of CPAS A whose password was given to them (`must_change_password`):
    /// until they choose their own, only `/me`, the password, their sessions and logout.
    Newcomer,
}

const CALLERS: [Caller; 7] = [
    Caller::Anonymous,
    Caller::Admin,
    Caller::President,
    Caller::Dg,
    Caller::SocialWorker,
    Caller::Partner,
    Caller::Newcomer,
];

/// The [`Caller::Newcomer`]'s account, made by `arrange`.
const NEWCOMER: &str = "newcomer@cpas-a.example";

impl Caller {
    fn email(self) -> Option<&'static str> {
        match self {
            Caller::Anonymous => None,
            Caller::Admin => Some("admin@pst.example"),
            Caller::President => Some("president@cpas-a.example"),
            Caller::Dg => Some("dg@cpas-a.example"),
            Caller::SocialWorker => Some("social@cpas-a.example"),
            Caller::Partner => Some("pcs@cpas-a.example"),
            Caller::Newcomer => Some(NEWCOMER),
        }
    }
}

/// What a row's request is about. Callers all belong to CPAS A (but the admin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// No resource of a CPAS (public routes, the caller's own account, the platform).
    None,
    /// Something of CPAS A.
    OwnTenant,
    /// An action of CPAS A that the partner's organisation carries (Pe18).
    OwnOrganisation,
    /// An action of CPAS A that it does not carry (Me1).
    OtherOrganisation,
    /// Something of Paliseul.
    OtherTenant,
}

/// Ids the rows need, arranged before the table runs.
struct Fixtures {
    own_plan: String,
    other_plan: String,
    /// Pe18: led by the partner's organisation.
    own_org_action: String,
    /// Me1: no organisation of the partner.
    other_org_action: String,
    other_tenant_action: String,
    own_tenant_id: String,
    other_tenant_id: String,
    own_user: String,
    other_user: String,
    /// An organisation of each CPAS, for API tokens.
    own_organisation: String,
    other_organisation: String,
    /// An open session of Paliseul's social worker: nobody else's to end.
    foreign_session: String,
    /// The partner's organisation (PCS, lead of Pe18) and another (DEFITS), to give tasks.
    partner_organisation: String,
    defits_organisation: String,
    /// A demo sectoral plan of each CPAS, and another of CPAS A to delete.
    own_sectoral_plan: String,
    own_spare_sectoral_plan: String,
    other_sectoral_plan: String,
}

struct Row {
    method: Method,
    /// The route as the OpenAPI document names it.
    route: &'static str,
    target: Target,
    /// Expected status for [`CALLERS`], in order.
    expected: [u16; 7],
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    use Target::{
        None as N, OtherOrganisation as OtherOrg, OtherTenant as Other, OwnOrganisation as OwnOrg,
        OwnTenant as Own,
    };
    use Method as M;
    let row = |method: Method, route: &'static str, target: Target, expected: [u16; 7]| Row {
        method,
        route,
        target,
        expected,
    };
    vec![
        // The newcomer (last column) must change their password first: 403 everywhere but on
        // the routes that let them do so, where they answer as the social worker.
        //                                                                        anon admin pres  dg  social partner newcomer
        row(M::GET, "/healthz", N,                                                [200, 200, 200, 200, 200, 200, 200]),
        row(M::GET, "/readyz", N,                                                 [200, 200, 200, 200, 200, 200, 200]),
        // Login and refresh are public; their bodies decide (own credentials here).
        row(M::POST, "/api/v1/auth/login", N,                                     [401, 200, 200, 200, 200, 200, 200]),
        row(M::POST, "/api/v1/auth/refresh", N,                                   [401, 200, 200, 200, 200, 200, 200]),
        row(M::POST, "/api/v1/auth/logout", N,                                    [401, 200, 200, 200, 200, 200, 200]),
        // Single sign-on's public steps: the login page's buttons; a start at a provider
        // that does not exist; a way back whose state names no sign-in under way.
        row(M::GET, "/api/v1/auth/providers", N,                                  [200, 200, 200, 200, 200, 200, 200]),
        row(M::POST, "/api/v1/auth/oidc/{provider_id}/start", N,                  [404, 404, 404, 404, 404, 404, 404]),
        row(M::POST, "/api/v1/auth/oidc/callback", N,                             [401, 401, 401, 401, 401, 401, 401]),
        row(M::GET, "/api/v1/me", N,                                              [401, 200, 200, 200, 200, 200, 200]),
        // A wrong current password: the route is reachable, the body is refused.
        row(M::PUT, "/api/v1/me/password", N,                                     [401, 422, 422, 422, 422, 422, 422]),
        row(M::GET, "/api/v1/me/sessions", N,                                     [401, 200, 200, 200, 200, 200, 200]),
        // Someone else's session (Paliseul's social worker's) is not found.
        row(M::DELETE, "/api/v1/me/sessions/{session_id}", N,                     [401, 404, 404, 404, 404, 404, 404]),
        row(M::GET, "/api/v1/me/actions", N,                                      [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/me/identity", N,                                     [401, 200, 200, 200, 200, 200, 403]),
        row(M::PUT, "/api/v1/me/identity", N,                                     [401, 200, 200, 200, 200, 200, 403]),
        // The second step: one's own, also while a password change or enrolment is due.
        row(M::GET, "/api/v1/me/second-factor", N,                                [401, 200, 200, 200, 200, 200, 200]),
        row(M::POST, "/api/v1/me/second-factor", N,                               [401, 200, 200, 200, 200, 200, 200]),
        // A code that is not the app's (the enrolment above is pending).
        row(M::POST, "/api/v1/me/second-factor/confirm", N,                       [401, 422, 422, 422, 422, 422, 422]),
        // A wrong password: the route is reachable, the body is refused.
        row(M::POST, "/api/v1/me/second-factor/disable", N,                       [401, 422, 422, 422, 422, 422, 403]),
        row(M::GET, "/api/v1/security-policy", N,                                 [401, 403, 200, 200, 200, 200, 403]),
        row(M::PUT, "/api/v1/security-policy", N,                                 [401, 403, 403, 200, 403, 403, 403]),
        // The CPAS's identity providers are its DG's (an issuer that does not answer: 422
        // once authorised; a provider id of nothing: 404).
        row(M::GET, "/api/v1/identity-providers", N,                              [401, 403, 403, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/identity-providers", N,                             [401, 403, 403, 422, 403, 403, 403]),
        row(M::GET, "/api/v1/identity-providers/{provider_id}", N,                [401, 403, 403, 404, 403, 403, 403]),
        row(M::PATCH, "/api/v1/identity-providers/{provider_id}", N,              [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/identity-providers/{provider_id}", N,             [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/plans", N,                                           [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}", Own,                               [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}", Other,                             [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/summary", Own,                       [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/summary", Other,                     [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/actions", N,                                         [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}", OwnOrg,                        [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}", OtherOrg,                      [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}", Other,                         [401, 403, 404, 404, 404, 404, 403]),
        row(M::PATCH, "/api/v1/actions/{action_id}", OwnOrg,                      [401, 403, 200, 200, 403, 403, 403]),
        // A role that may never do this gets 403 before any lookup: the same answer for any
        // id, so it reveals nothing about the other CPAS.
        row(M::PATCH, "/api/v1/actions/{action_id}", Other,                       [401, 403, 404, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/history", OwnOrg,                [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/history", Other,                 [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/ecomptes", OwnOrg,               [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/ecomptes", Other,                [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/budget-projections", OwnOrg,     [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/budget-projections", Other,      [401, 403, 404, 404, 404, 404, 403]),
        // Partners propose on the actions their organisation carries; social workers on all.
        row(M::POST, "/api/v1/actions/{action_id}/change-requests", OwnOrg,       [401, 403, 403, 403, 201, 201, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/change-requests", OtherOrg,     [401, 403, 403, 403, 201, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/change-requests", Other,        [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/change-requests", N,                                 [401, 403, 200, 200, 200, 200, 403]),
        // The proposals acted upon are the social worker's.
        row(M::GET, "/api/v1/change-requests/{change_request_id}", Own,           [401, 403, 200, 200, 200, 403, 403]),
        row(M::GET, "/api/v1/change-requests/{change_request_id}", Other,         [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/change-requests/{change_request_id}/approve", Own,  [401, 403, 200, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/change-requests/{change_request_id}/approve", Other,[401, 403, 404, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/change-requests/{change_request_id}/reject", Own,   [401, 403, 200, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/change-requests/{change_request_id}/reject", Other, [401, 403, 404, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/change-requests/{change_request_id}/withdraw", Own, [401, 403, 403, 403, 200, 403, 403]),
        row(M::POST, "/api/v1/change-requests/{change_request_id}/withdraw", Other, [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/notifications", N,                                   [401, 200, 200, 200, 200, 200, 403]),
        // Someone else's notification is not found.
        row(M::POST, "/api/v1/notifications/{notification_id}/read", N,           [401, 404, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/notifications/read-all", N,                         [401, 204, 204, 204, 204, 204, 403]),
        row(M::GET, "/api/v1/me/notification-preferences", N,                     [401, 200, 200, 200, 200, 200, 403]),
        row(M::PUT, "/api/v1/me/notification-preferences", N,                     [401, 200, 200, 200, 200, 200, 403]),
        // An e-mail's unsubscribe link needs no session: the signed token decides (a
        // forged one here, for everyone).
        row(M::GET, "/api/v1/unsubscribe/{token}", N,                             [404, 404, 404, 404, 404, 404, 404]),
        row(M::POST, "/api/v1/unsubscribe/{token}", N,                            [404, 404, 404, 404, 404, 404, 404]),
        // Structure: the DG only. Other roles get 403 before any lookup; the DG gets 404 for
        // another CPAS's plan. Each request works on a fresh scratch plan.
        row(M::POST, "/api/v1/plans", N,                                          [401, 403, 403, 201, 403, 403, 403]),
        row(M::PATCH, "/api/v1/plans/{plan_id}", Own,                             [401, 403, 403, 200, 403, 403, 403]),
        row(M::PATCH, "/api/v1/plans/{plan_id}", Other,                           [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/adopt", Own,                        [401, 403, 403, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/adopt", Other,                      [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/close", Own,                        [401, 403, 403, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/close", Other,                      [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/objectives", Own,                   [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/objectives", Other,                 [401, 403, 403, 404, 403, 403, 403]),
        row(M::PATCH, "/api/v1/objectives/{objective_id}", Own,                   [401, 403, 403, 200, 403, 403, 403]),
        row(M::PATCH, "/api/v1/objectives/{objective_id}", Other,                 [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/objectives/{objective_id}", Own,                  [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/objectives/{objective_id}", Other,                [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/objectives/{objective_id}/actions", Own,            [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/objectives/{objective_id}/actions", Other,          [401, 403, 403, 404, 403, 403, 403]),
        row(M::PATCH, "/api/v1/actions/{action_id}/definition", Own,              [401, 403, 403, 200, 403, 403, 403]),
        row(M::PATCH, "/api/v1/actions/{action_id}/definition", Other,            [401, 403, 403, 404, 403, 403, 403]),
        row(M::PUT, "/api/v1/actions/{action_id}/organisations", Own,             [401, 403, 403, 200, 403, 403, 403]),
        row(M::PUT, "/api/v1/actions/{action_id}/organisations", Other,           [401, 403, 403, 404, 403, 403, 403]),
        row(M::PUT, "/api/v1/actions/{action_id}/sectoral-plans", Own,            [401, 403, 403, 200, 403, 403, 403]),
        row(M::PUT, "/api/v1/actions/{action_id}/sectoral-plans", Other,          [401, 403, 403, 404, 403, 403, 403]),
        row(M::PUT, "/api/v1/objectives/{objective_id}/sectoral-plans", Own,      [401, 403, 403, 200, 403, 403, 403]),
        row(M::PUT, "/api/v1/objectives/{objective_id}/sectoral-plans", Other,    [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/sectoral-plans", Own,                                [401, 403, 200, 200, 200, 200, 403]),
        row(M::POST, "/api/v1/sectoral-plans", Own,                               [401, 403, 403, 201, 403, 403, 403]),
        row(M::PUT, "/api/v1/sectoral-plans/{sectoral_plan_id}", Own,             [401, 403, 403, 200, 403, 403, 403]),
        row(M::PUT, "/api/v1/sectoral-plans/{sectoral_plan_id}", Other,           [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/sectoral-plans/{sectoral_plan_id}", Own,          [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/sectoral-plans/{sectoral_plan_id}", Other,        [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/actions/{action_id}", Own,                        [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/actions/{action_id}", Other,                      [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/archive", Own,                  [401, 403, 403, 204, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/archive", Other,                [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/sub-actions", Own,              [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/sub-actions", Other,            [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/indicators", Own,               [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/indicators", Other,             [401, 403, 403, 404, 403, 403, 403]),
        row(M::PUT, "/api/v1/indicators/{indicator_id}", Own,                     [401, 403, 403, 200, 403, 403, 403]),
        row(M::PUT, "/api/v1/indicators/{indicator_id}", Other,                   [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/indicators/{indicator_id}", Own,                  [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/indicators/{indicator_id}", Other,                [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/budget-lines", Own,             [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/budget-lines", Other,           [401, 403, 403, 404, 403, 403, 403]),
        row(M::PUT, "/api/v1/budget-lines/{budget_line_id}", Own,                 [401, 403, 403, 200, 403, 403, 403]),
        row(M::PUT, "/api/v1/budget-lines/{budget_line_id}", Other,               [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/budget-lines/{budget_line_id}", Own,              [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/budget-lines/{budget_line_id}", Other,            [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/budget-projections", Own,       [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/budget-projections", Other,     [401, 403, 403, 404, 403, 403, 403]),
        row(M::PUT, "/api/v1/budget-projections/{budget_projection_id}", Own,     [401, 403, 403, 200, 403, 403, 403]),
        row(M::PUT, "/api/v1/budget-projections/{budget_projection_id}", Other,   [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/budget-projections/{budget_projection_id}", Own,  [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/budget-projections/{budget_projection_id}", Other, [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/opinions", Own,                     [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/opinions", Other,                   [401, 403, 403, 404, 403, 403, 403]),
        row(M::PUT, "/api/v1/opinions/{opinion_id}", Own,                         [401, 403, 403, 200, 403, 403, 403]),
        row(M::PUT, "/api/v1/opinions/{opinion_id}", Other,                       [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/opinions/{opinion_id}", Own,                      [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/opinions/{opinion_id}", Other,                    [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/users", Own,                                         [401, 200, 403, 200, 403, 403, 403]),
        row(M::GET, "/api/v1/users", Other,                                       [401, 200, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/users", Own,                                        [401, 201, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/users", Other,                                      [401, 201, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/users/{user_id}", Own,                               [401, 200, 403, 200, 403, 403, 403]),
        row(M::GET, "/api/v1/users/{user_id}", Other,                             [401, 200, 404, 404, 404, 404, 403]),
        row(M::PATCH, "/api/v1/users/{user_id}", Own,                             [401, 200, 403, 200, 403, 403, 403]),
        row(M::PATCH, "/api/v1/users/{user_id}", Other,                           [401, 200, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/users/{user_id}/password-reset", Own,               [401, 200, 403, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/users/{user_id}/password-reset", Other,             [401, 200, 404, 404, 404, 404, 403]),
        // Nobody here has a second step to reset: the route is reached, nothing is found.
        row(M::DELETE, "/api/v1/users/{user_id}/second-factor", Own,              [401, 404, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/users/{user_id}/second-factor", Other,            [401, 404, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/organisations", Own,                                 [401, 200, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/organisations", Other,                               [401, 200, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/organisations", Own,                                [401, 201, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/organisations", Other,                              [401, 201, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/tenants", N,                                         [401, 200, 403, 403, 403, 403, 403]),
        row(M::POST, "/api/v1/tenants", N,                                        [401, 201, 403, 403, 403, 403, 403]),
        // A CPAS's identity: its people read it, the platform's administrators set it.
        row(M::GET, "/api/v1/tenants/{tenant_id}", Own,                           [401, 200, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/tenants/{tenant_id}", Other,                         [401, 200, 404, 404, 404, 404, 403]),
        row(M::PUT, "/api/v1/tenants/{tenant_id}", Own,                           [401, 200, 403, 403, 403, 403, 403]),
        row(M::PUT, "/api/v1/tenants/{tenant_id}", Other,                         [401, 200, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/export", Own,                        [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/export", Other,                      [401, 403, 404, 404, 404, 404, 403]),
        // The table's rows run in order: the PUTs above gave the CPAS its NIS code.
        row(M::GET, "/api/v1/plans/{plan_id}/ecomptes.xml", Own,                  [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/ecomptes.xml", Other,                [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/ecomptes", Own,                     [401, 403, 403, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/ecomptes", Other,                   [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/reconciliation", Own,                [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/reconciliation", Other,              [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/plans/import", Own,                                 [401, 201, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/import", Other,                               [401, 201, 404, 404, 404, 404, 403]),
        row(M::GET, "/public/{tenant}/{plan_id}", Own,                            [404, 404, 404, 404, 404, 404, 404]),
        row(M::GET, "/api/v1/public/{tenant}/plans/{plan_id}", Own,               [404, 404, 404, 404, 404, 404, 404]),
        row(M::POST, "/api/v1/plans/{plan_id}/publish", Own,                      [401, 403, 403, 204, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/publish", Other,                    [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/unpublish", Own,                    [401, 403, 403, 204, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/unpublish", Other,                  [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/versions", Own,                      [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/versions", Other,                    [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/versions", Own,                     [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/versions", Other,                   [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/evaluations", Own,                   [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/evaluations", Other,                 [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/evaluations", Own,                  [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/evaluations", Other,                [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/compare", Own,                       [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/compare", Other,                     [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/report", Own,                        [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/report", Other,                      [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/api-tokens", Own,                                   [401, 201, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/api-tokens", Other,                                 [401, 201, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/api-tokens", Own,                                    [401, 200, 403, 200, 403, 403, 403]),
        row(M::GET, "/api/v1/api-tokens", Other,                                  [401, 200, 404, 404, 404, 404, 403]),
        row(M::DELETE, "/api/v1/api-tokens/{token_id}", Own,                      [401, 204, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/api-tokens/{token_id}", Other,                    [401, 204, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/webhooks", Own,                                     [401, 403, 403, 201, 403, 403, 403]),
        row(M::GET, "/api/v1/webhooks", Own,                                      [401, 403, 403, 200, 403, 403, 403]),
        row(M::GET, "/api/v1/webhooks/{webhook_id}", Own,                         [401, 403, 403, 200, 403, 403, 403]),
        row(M::GET, "/api/v1/webhooks/{webhook_id}", Other,                       [401, 403, 403, 404, 403, 403, 403]),
        row(M::PATCH, "/api/v1/webhooks/{webhook_id}", Own,                       [401, 403, 403, 200, 403, 403, 403]),
        row(M::PATCH, "/api/v1/webhooks/{webhook_id}", Other,                     [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/webhooks/{webhook_id}/rotate-secret", Own,          [401, 403, 403, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/webhooks/{webhook_id}/rotate-secret", Other,        [401, 403, 403, 404, 403, 403, 403]),
        row(M::DELETE, "/api/v1/webhooks/{webhook_id}", Own,                      [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/webhooks/{webhook_id}", Other,                    [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/webhooks/{webhook_id}/deliveries", Own,              [401, 403, 403, 200, 403, 403, 403]),
        row(M::GET, "/api/v1/webhooks/{webhook_id}/deliveries", Other,            [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", Own,   [401, 403, 403, 404, 403, 403, 403]),
        row(M::POST, "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", Other, [401, 403, 403, 404, 403, 403, 403]),
        // Tasks: the management gives them; the person or organisation a task is given to
        // closes it (Own/OwnOrg: given to the partner's organisation; OtherOrg: to DEFITS).
        // Everyone of the CPAS reads and writes the discussion; the author changes and deletes
        // their comment (here the DG's); the DG hides one.
        row(M::GET, "/api/v1/actions/{action_id}/comments", OwnOrg,               [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/comments", Other,                [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/comments", OwnOrg,              [401, 403, 201, 201, 201, 201, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/comments", Other,               [401, 403, 404, 404, 404, 404, 403]),
        row(M::PATCH, "/api/v1/comments/{comment_id}", Own,                       [401, 403, 403, 200, 403, 403, 403]),
        row(M::PATCH, "/api/v1/comments/{comment_id}", Other,                     [401, 403, 404, 404, 404, 404, 403]),
        row(M::DELETE, "/api/v1/comments/{comment_id}", Own,                      [401, 403, 403, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/comments/{comment_id}", Other,                    [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/comments/{comment_id}/hide", Own,                   [401, 403, 403, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/comments/{comment_id}/hide", Other,                 [401, 403, 403, 404, 403, 403, 403]),
        // Files: the organisations that carry an action, social workers and the management
        // attach them; everyone of the CPAS lists and downloads them; the person who
        // attached one (here the DG) and the management remove it.
        row(M::POST, "/api/v1/actions/{action_id}/attachments", OwnOrg,           [401, 403, 201, 201, 201, 201, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/attachments", OtherOrg,         [401, 403, 201, 201, 201, 403, 403]),
        row(M::POST, "/api/v1/actions/{action_id}/attachments", Other,            [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/attachments", OwnOrg,            [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/attachments", Other,             [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/attachments/{attachment_id}/content", Own,           [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/attachments/{attachment_id}/content", Other,         [401, 403, 404, 404, 404, 404, 403]),
        row(M::DELETE, "/api/v1/attachments/{attachment_id}", Own,                [401, 403, 204, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/attachments/{attachment_id}", Other,              [401, 403, 404, 404, 404, 404, 403]),
        // Reporting periods: everyone who reads the plan follows them; the DG opens and
        // closes them and sets their reminders.
        row(M::POST, "/api/v1/plans/{plan_id}/periods", Own,                      [401, 403, 403, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/plans/{plan_id}/periods", Other,                    [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/periods", Own,                       [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/periods", Other,                     [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/periods/{period_id}", Own,                           [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/periods/{period_id}", Other,                         [401, 403, 404, 404, 404, 404, 403]),
        row(M::POST, "/api/v1/periods/{period_id}/close", Own,                    [401, 403, 403, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/periods/{period_id}/close", Other,                  [401, 403, 403, 404, 403, 403, 403]),
        row(M::GET, "/api/v1/reporting-settings", N,                              [401, 403, 200, 200, 200, 200, 403]),
        row(M::PUT, "/api/v1/reporting-settings", N,                              [401, 403, 403, 200, 403, 403, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/indicator-history", OwnOrg,      [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/indicator-history", Other,       [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/me/tasks", N,                                        [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/tasks", OwnOrg,                  [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/actions/{action_id}/tasks", Other,                   [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/tasks", Own,                         [401, 403, 200, 200, 200, 200, 403]),
        row(M::GET, "/api/v1/plans/{plan_id}/tasks", Other,                       [401, 403, 404, 404, 404, 404, 403]),
        row(M::GET, "/api/v1/tasks/assignees", N,                                 [401, 403, 200, 200, 403, 403, 403]),
        // Another CPAS's action or task named in a body is not one of this CPAS: 422.
        row(M::POST, "/api/v1/tasks", Own,                                        [401, 403, 201, 201, 403, 403, 403]),
        row(M::POST, "/api/v1/tasks", Other,                                      [401, 403, 422, 422, 403, 403, 403]),
        row(M::POST, "/api/v1/tasks/assignment", Own,                             [401, 403, 200, 200, 403, 403, 403]),
        row(M::POST, "/api/v1/tasks/assignment", Other,                           [401, 403, 422, 422, 403, 403, 403]),
        row(M::PATCH, "/api/v1/tasks/{task_id}", OwnOrg,                          [401, 403, 200, 200, 403, 200, 403]),
        row(M::PATCH, "/api/v1/tasks/{task_id}", OtherOrg,                        [401, 403, 200, 200, 403, 403, 403]),
        row(M::PATCH, "/api/v1/tasks/{task_id}", Other,                           [401, 403, 404, 404, 404, 404, 403]),
        row(M::DELETE, "/api/v1/tasks/{task_id}", Own,                            [401, 403, 204, 204, 403, 403, 403]),
        row(M::DELETE, "/api/v1/tasks/{task_id}", Other,                          [401, 403, 404, 404, 403, 403, 403]),
        // Last: it ends the caller's other sessions, the arranging accounts' among them.
        row(M::POST, "/api/v1/me/sessions/end-others", N,                         [401, 204, 204, 204, 204, 204, 204]),
    ]
}

async fn arrange(app: &TestApp) -> Fixtures {
    let dg = app.token("dg@cpas-a.example").await;
    let other_dg = app.token("dg@paliseul.example").await;
    let own_plans: Vec<PlanSummary> = app.get_ok_as(&dg, "/api/v1/plans").await;
    let other_plans: Vec<PlanSummary> = app.get_ok_as(&other_dg, "/api/v1/plans").await;
    let own_tree: PlanTree = app
        .get_ok_as(&dg, &format!("/api/v1/plans/{}", own_plans[0].id))
        .await;
    let other_tree: PlanTree = app
        .get_ok_as(&other_dg, &format!("/api/v1/plans/{}", other_plans[0].id))
        .await;
    let action_id = |tree: &PlanTree, code: &str| -> String {
        tree.actions()
            .find(|a| a.code == code)
            .map(|a| a.id.to_string())
            .unwrap_or_else(|| panic!("no {code}"))
    };
    let partner = app.token("pcs@cpas-a.example").await;
    let mine: Vec<ActionRef> = app.get_ok_as(&partner, "/api/v1/me/actions").await;
    assert!(mine.iter().any(|a| a.code == "Pe18"));
    let own_users: Vec<User> = app.get_ok_as(&dg, "/api/v1/users").await;
    let other_users: Vec<User> = app.get_ok_as(&other_dg, "/api/v1/users").await;
    let user_id = |users: &[User], email: &str| -> String {
        users
            .iter()
            .find(|u| u.email == email)
            .map(|u| u.id.to_string())
            .unwrap_or_else(|| panic!("no {email}"))
    };
    // The newcomer: an account whose password was given to it.
    let created = app
        .send_as(
            Method::POST,
            Some(&dg),
            "/api/v1/users",
            Some(&json!({
                "email": NEWCOMER,
                "display_name": "Nouvelle Venue",
                "role": "social_worker",
                "password": tests::PASSWORD,
            })),
        )
        .await;
    assert_eq!(created.status(), 201, "arranging the newcomer");
    {
        use diesel::RunQueryDsl;
        let flagged = diesel::sql_query(format!(
            "UPDATE users SET must_change_password = true WHERE email = '{NEWCOMER}'"
        ))
        .execute(&mut app.connection())
        .expect("the flag is set");
        assert_eq!(flagged, 1);
    }
    let organisations: Vec<api_types::OrganisationSummary> =
        app.get_ok_as(&dg, "/api/v1/organisations").await;
    let organisation_named = |name: &str| -> String {
        organisations
            .iter()
            .find(|o| o.name.contains(name))
            .map(|o| o.id.to_string())
            .unwrap_or_else(|| panic!("no organisation {name}"))
    };
    let pe18_lead = own_tree
        .actions()
        .find(|a| a.code == "Pe18")
        .and_then(|a| a.lead.as_ref())
        .map(|lead| lead.id.to_string())
        .expect("Pe18 has a lead");
    let foreign = app.token("social@paliseul.example").await;
    let sessions: Vec<api_types::SessionInfo> =
        app.get_ok_as(&foreign, "/api/v1/me/sessions").await;
    Fixtures {
        own_sectoral_plan: own_tree.sectoral_plans[0].id.to_string(),
        own_spare_sectoral_plan: own_tree.sectoral_plans[3].id.to_string(),
        other_sectoral_plan: other_tree.sectoral_plans[0].id.to_string(),
        foreign_session: sessions[0].id.to_string(),
        own_plan: own_plans[0].id.to_string(),
        other_plan: other_plans[0].id.to_string(),
        own_org_action: action_id(&own_tree, "Pe18"),
        other_org_action: action_id(&own_tree, "Me1"),
        other_tenant_action: action_id(&other_tree, "A1"),
        own_tenant_id: own_plans[0].tenant.id.to_string(),
        other_tenant_id: other_plans[0].tenant.id.to_string(),
        // The defits partner and Paliseul's PCS partner are the accounts acted upon.
        own_user: user_id(&own_users, "defits@cpas-a.example"),
        other_user: user_id(&other_users, "pcs@paliseul.example"),
        own_organisation: first_organisation(app, &dg).await,
        other_organisation: first_organisation(app, &other_dg).await,
        defits_organisation: organisation_named("DEFITS"),
        partner_organisation: pe18_lead,
    }
}

async fn first_organisation(app: &TestApp, dg: &str) -> String {
    let list: Vec<api_types::OrganisationSummary> =
        app.get_ok_as(dg, "/api/v1/organisations").await;
    list[0].id.to_string()
}

/// A fresh API token or webhook of the CPAS of `dg`, for a request that may delete it.
async fn fresh_integration(app: &TestApp, dg: &str, organisation: &str, kind: &str) -> String {
    let (path, body) = if kind == "token" {
        (
            "/api/v1/api-tokens",
            json!({ "name": "Intégration", "organisation_id": organisation, "scopes": ["plans:read"] }),
        )
    } else {
        (
            "/api/v1/webhooks",
            json!({ "url": "https://hooks.example/pst", "events": ["plan.adopted"] }),
        )
    };
    let response = app.send_as(Method::POST, Some(dg), path, Some(&body)).await;
    let status = response.status();
    let created: Value = response.json().await.expect("JSON");
    assert!(status.is_success(), "arranging {path}: {status} {created}");
    created["id"]
        .as_str()
        .or_else(|| created["token"]["id"].as_str())
        .or_else(|| created["webhook"]["id"].as_str())
        .expect("an id")
        .to_owned()
}

/// What a request needs that changes as the table runs.
#[derive(Debug, Default)]
struct Dynamic {
    /// The caller's refresh token (for the refresh route).
    refresh_token: Option<String>,
    /// A pending proposal made for this request.
    change_request: Option<String>,
    /// The current version of the action of the row.
    version: i32,
    /// A fresh plan for the structure routes.
    scratch: Option<Scratch>,
    /// A fresh API token or webhook.
    token: Option<String>,
    webhook: Option<String>,
    /// A fresh task.
    task: Option<String>,
    /// A fresh comment of the DG of the row's CPAS.
    comment: Option<String>,
    /// A fresh file attached by the DG of the row's CPAS.
    attachment: Option<String>,
    /// A fresh open reporting period of the row's plan.
    period: Option<String>,
}

/// The structure routes, which each work on a fresh scratch plan.
fn uses_scratch(method: &Method, route: &str) -> bool {
    const ROUTES: &[&str] = &[
        "/api/v1/plans/{plan_id}/adopt",
        "/api/v1/plans/{plan_id}/close",
        "/api/v1/plans/{plan_id}/objectives",
        "/api/v1/plans/{plan_id}/opinions",
        "/api/v1/objectives/{objective_id}",
        "/api/v1/objectives/{objective_id}/actions",
        "/api/v1/actions/{action_id}/definition",
        "/api/v1/actions/{action_id}/organisations",
        "/api/v1/actions/{action_id}/sectoral-plans",
        "/api/v1/objectives/{objective_id}/sectoral-plans",
        "/api/v1/actions/{action_id}/archive",
        "/api/v1/actions/{action_id}/sub-actions",
        "/api/v1/actions/{action_id}/indicators",
        "/api/v1/actions/{action_id}/budget-lines",
        "/api/v1/indicators/{indicator_id}",
        "/api/v1/budget-lines/{budget_line_id}",
        "/api/v1/actions/{action_id}/budget-projections",
        "/api/v1/budget-projections/{budget_projection_id}",
        "/api/v1/opinions/{opinion_id}",
    ];
    match (method.as_str(), route) {
        ("PATCH", "/api/v1/plans/{plan_id}") | ("DELETE", "/api/v1/actions/{action_id}") => true,
        _ => ROUTES.contains(&route),
    }
}

/// A plan made for one structure request: one strategic objective, one operational, one
/// action (without history) and one opinion.
#[derive(Debug, Clone)]
struct Scratch {
    plan: String,
    plan_version: i32,
    /// A strategic objective with nothing under it.
    empty: String,
    operational: String,
    objective_version: i32,
    action: String,
    action_version: i32,
    opinion: String,
    indicator: String,
    budget_line: String,
    budget_projection: String,
}

async fn scratch(app: &TestApp, dg: &str, adopted: bool) -> Scratch {
    let send = |method: Method, path: String, body: Value| async move {
        let response = app.send_as(method, Some(dg), &path, Some(&body)).await;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "arranging {path}: {status} {text}");
        serde_json::from_str::<Value>(&text).unwrap_or(Value::Null)
    };
    let plan = send(
        Method::POST,
        "/api/v1/plans".into(),
        json!({ "title": "Plan d'essai" }),
    )
    .await;
    let plan_id = plan["id"].as_str().expect("plan id").to_owned();
    let tree = send(
        Method::POST,
        format!("/api/v1/plans/{plan_id}/objectives"),
        json!({ "level": "strategic", "volet": "externe", "code": "OSe1", "title": "Un objectif" }),
    )
    .await;
    let strategic = tree["objectives"][0]["id"].as_str().expect("os").to_owned();
    let with_empty = send(
        Method::POST,
        format!("/api/v1/plans/{plan_id}/objectives"),
        json!({ "level": "strategic", "volet": "interne", "code": "OSi1", "title": "Vide" }),
    )
    .await;
    let empty = with_empty["objectives"][1]["id"]
        .as_str()
        .expect("empty os")
        .to_owned();
    let tree = send(
        Method::POST,
        format!("/api/v1/plans/{plan_id}/objectives"),
        json!({ "level": "operational", "parent_id": strategic, "volet": "externe", "code": "OOe1", "title": "Un objectif opérationnel" }),
    )
    .await;
    let operational = tree["objectives"][0]["operational_objectives"][0]["id"]
        .as_str()
        .expect("oo")
        .to_owned();
    let action = send(
        Method::POST,
        format!("/api/v1/objectives/{operational}/actions"),
        json!({ "code": "Pe1", "kind": "projet", "title": "Une action" }),
    )
    .await;
    let tree = send(
        Method::POST,
        format!("/api/v1/plans/{plan_id}/opinions"),
        json!({ "body": "Un avis.", "objective_ids": [operational] }),
    )
    .await;
    let action_id = action["action"]["id"].as_str().expect("action").to_owned();
    let measured = send(
        Method::POST,
        format!("/api/v1/actions/{action_id}/indicators"),
        json!({ "name": "Participants", "unit": "personnes", "year": 2025, "target": 40 }),
    )
    .await;
    let indicator = measured["indicators"][0]["id"]
        .as_str()
        .expect("indicator")
        .to_owned();
    let budgeted = send(
        Method::POST,
        format!("/api/v1/actions/{action_id}/budget-lines"),
        json!({ "year": 2025, "service": "ordinaire", "direction": "depense", "planned_cents": 100000 }),
    )
    .await;
    let budget_line = budgeted["budget_lines"][0]["id"]
        .as_str()
        .expect("budget line")
        .to_owned();
    let projected = send(
        Method::POST,
        format!("/api/v1/actions/{action_id}/budget-projections"),
        json!({ "service": "ordinaire", "direction": "depense", "economic_group": "Personnel", "years": [{ "year": 2026, "amount_cents": 100000 }] }),
    )
    .await;
    let budget_projection = projected[0]["id"]
        .as_str()
        .expect("budget projection")
        .to_owned();
    let mut plan_version = tree["version"].as_i64().unwrap_or(1);
    if adopted {
        let tree = send(
            Method::POST,
            format!("/api/v1/plans/{plan_id}/adopt"),
            json!({ "version": plan_version, "adopted_on": "2025-01-30" }),
        )
        .await;
        plan_version = tree["version"].as_i64().unwrap_or(1);
    }
    Scratch {
        plan: plan_id,
        plan_version: i32::try_from(plan_version).unwrap_or(1),
        empty,
        operational,
        objective_version: 1,
        action: action_id,
        action_version: 1,
        opinion: tree["opinions"][0]["id"]
            .as_str()
            .expect("opinion")
            .to_owned(),
        indicator,
        budget_line,
        budget_projection,
    }
}

/// A fresh task on `action`, given by the DG of its CPAS to `organisation` (or nobody).
async fn fresh_task(
    app: &TestApp,
    dg: &str,
    action: &str,
    organisation: Option<&String>,
) -> String {
    let assignee = organisation.map(|id| json!({ "kind": "organisation", "id": id }));
    let response = app
        .send_as(
            Method::POST,
            Some(dg),
            "/api/v1/tasks",
            Some(&json!({ "tasks": [{
                "action_id": action, "title": "Préparer la réunion", "due_on": "2024-06-30",
                "assignee": assignee,
            }] })),
        )
        .await;
    assert_eq!(response.status(), 201, "arranging a task");
    let created: api_types::TaskList = response.json().await.expect("tasks");
    created.tasks[0].id.to_string()
}

/// A fresh comment on `action`, written by the DG of its CPAS.
async fn fresh_comment(app: &TestApp, dg: &str, action: &str) -> String {
    let response = app
        .send_as(
            Method::POST,
            Some(dg),
            &format!("/api/v1/actions/{action}/comments"),
            Some(&json!({ "body": "Un commentaire à arranger." })),
        )
        .await;
    assert_eq!(response.status(), 201, "arranging a comment");
    let created: api_types::Comment = response.json().await.expect("a comment");
    created.id.to_string()
}

/// A small PDF, as evidence.
const EVIDENCE_FILE: &str = "%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n";

/// A fresh file on `action`, attached by the DG of its CPAS.
async fn fresh_attachment(app: &TestApp, dg: &str, action: &str) -> String {
    let response = app
        .client
        .post(app.url(&format!(
            "/api/v1/actions/{action}/attachments?name=preuve.pdf"
        )))
        .bearer_auth(dg)
        .body(EVIDENCE_FILE)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 201, "arranging a file");
    let created: api_types::Attachment = response.json().await.expect("a file");
    created.id.to_string()
}

/// Closes the open reporting period of `plan`, if any (as the DG of its CPAS).
async fn close_open_periods(app: &TestApp, dg: &str, plan: &str) {
    let periods: Vec<api_types::ReportingPeriod> = app
        .get_ok_as(dg, &format!("/api/v1/plans/{plan}/periods"))
        .await;
    for period in periods.iter().filter(|p| p.closed_at.is_none()) {
        let response = app
            .send_as(
                Method::POST,
                Some(dg),
                &format!("/api/v1/periods/{}/close", period.id),
                None,
            )
            .await;
        assert_eq!(response.status(), 200, "closing a period");
    }
}

/// A fresh open reporting period of `plan`, opened by the DG of its CPAS.
async fn fresh_period(app: &TestApp, dg: &str, plan: &str) -> String {
    close_open_periods(app, dg, plan).await;
    let response = app
        .send_as(
            Method::POST,
            Some(dg),
            &format!("/api/v1/plans/{plan}/periods"),
            Some(
                &json!({ "label": format!("Période {}", uuid::Uuid::new_v4().simple()),
                          "starts_on": "2027-01-01", "ends_on": "2027-03-31",
                          "deadline": "2027-04-15" }),
            ),
        )
        .await;
    assert_eq!(response.status(), 201, "arranging a period");
    let created: api_types::ReportingPeriod = response.json().await.expect("a period");
    created.id.to_string()
}

/// The current version of an action, read by the DG of its CPAS.
async fn version_of(app: &TestApp, dg: &str, action: &str) -> i32 {
    app.get_ok_as::<api_types::ActionDetail>(dg, &format!("/api/v1/actions/{action}"))
        .await
        .action
        .version
}

/// A pending proposal of the CPAS's social worker on `action`, replacing the one they
/// still have there (one pending proposal per author and action).
async fn fresh_proposal(app: &TestApp, social: &str, dg: &str, action: &str) -> String {
    let version = version_of(app, dg, action).await;
    let pending: Vec<api_types::ChangeRequest> = app
        .get_ok_as(
            social,
            &format!("/api/v1/change-requests?status=pending&action_id={action}"),
        )
        .await;
    let mut body = json!({ "base_version": version, "changes": { "progress": 21 } });
    if let Some(previous) = pending.first() {
        body["replaces"] = json!(previous.id);
    }
    let response = app
        .send_as(
            Method::POST,
            Some(social),
            &format!("/api/v1/actions/{action}/change-requests"),
            Some(&body),
        )
        .await;
    assert_eq!(response.status(), 201, "arranging a proposal");
    let created: api_types::ChangeRequest = response.json().await.expect("a proposal");
    created.id.to_string()
}

/// The path and body of one request of `row` by `caller`. `unique` keeps created names
/// apart; `refresh_token` is the caller's, for the refresh route.
fn request(
    row: &Row,
    caller: Caller,
    fixtures: &Fixtures,
    dynamic: &Dynamic,
    unique: &str,
) -> (String, Option<Value>) {
    let own = row.target != Target::OtherTenant;
    let tenant_id = if own {
        &fixtures.own_tenant_id
    } else {
        &fixtures.other_tenant_id
    };
    let user = if own {
        &fixtures.own_user
    } else {
        &fixtures.other_user
    };
    let action = match row.target {
        Target::OtherOrganisation => &fixtures.other_org_action,
        Target::OtherTenant => &fixtures.other_tenant_action,
        _ => &fixtures.own_org_action,
    };
    let plan = if own {
        &fixtures.own_plan
    } else {
        &fixtures.other_plan
    };
    let scratch = dynamic.scratch.as_ref();
    let (plan, action) = match scratch {
        Some(s) => (
            &s.plan,
            if row.route.starts_with("/api/v1/actions/{action_id}/") || row.method == Method::DELETE
            {
                &s.action
            } else {
                action
            },
        ),
        None => (plan, action),
    };
    let path = row
        .route
        .replace("{plan_id}", plan)
        .replace("{action_id}", action)
        .replace(
            "{objective_id}",
            scratch.map_or("-", |s| {
                if row.method == Method::DELETE {
                    &s.empty
                } else {
                    &s.operational
                }
            }),
        )
        .replace("{opinion_id}", scratch.map_or("-", |s| &s.opinion))
        .replace("{indicator_id}", scratch.map_or("-", |s| &s.indicator))
        .replace("{budget_line_id}", scratch.map_or("-", |s| &s.budget_line))
        .replace(
            "{budget_projection_id}",
            scratch.map_or("-", |s| &s.budget_projection),
        )
        .replace("{user_id}", user)
        .replace("{tenant_id}", tenant_id)
        .replace(
            "{change_request_id}",
            dynamic.change_request.as_deref().unwrap_or("-"),
        )
        .replace("{notification_id}", &uuid::Uuid::new_v4().to_string())
        .replace("{token_id}", dynamic.token.as_deref().unwrap_or("-"))
        .replace("{webhook_id}", dynamic.webhook.as_deref().unwrap_or("-"))
        .replace("{task_id}", dynamic.task.as_deref().unwrap_or("-"))
        .replace("{comment_id}", dynamic.comment.as_deref().unwrap_or("-"))
        .replace(
            "{attachment_id}",
            dynamic.attachment.as_deref().unwrap_or("-"),
        )
        .replace("{period_id}", dynamic.period.as_deref().unwrap_or("-"))
        .replace("{delivery_id}", &uuid::Uuid::new_v4().to_string())
        .replace("{session_id}", &fixtures.foreign_session)
        .replace("{provider_id}", &uuid::Uuid::new_v4().to_string())
        .replace("{token}", "bm90LXNpZ25lZA.Zm9yZ2Vk")
        .replace("{tenant}", "cpas-a")
        .replace(
            "{sectoral_plan_id}",
            match (own, row.method == Method::DELETE) {
                (true, true) => &fixtures.own_spare_sectoral_plan,
                (true, false) => &fixtures.own_sectoral_plan,
                (false, _) => &fixtures.other_sectoral_plan,
            },
        );
    let organisation = if own {
        &fixtures.own_organisation
    } else {
        &fixtures.other_organisation
    };
    let scoped = format!("{path}?tenant_id={tenant_id}");
    match (row.method.as_str(), row.route) {
        ("POST", "/api/v1/auth/login") => (
            path,
            Some(json!({
                "email": caller.email().unwrap_or("nobody@nowhere.example"),
                "password": tests::PASSWORD,
            })),
        ),
        ("POST", "/api/v1/auth/refresh") => (
            path,
            Some(
                json!({ "refresh_token": dynamic.refresh_token.as_deref().unwrap_or("pstr_none") }),
            ),
        ),
        ("GET", "/api/v1/plans/{plan_id}/ecomptes.xml") => (format!("{path}?exercice=2026"), None),
        ("POST", "/api/v1/plans/{plan_id}/ecomptes") => (format!("{path}?dry_run=true"), None),
        ("POST", "/api/v1/sectoral-plans") => {
            (path, Some(json!({ "name": format!("Plan {unique}") })))
        }
        ("PUT", "/api/v1/sectoral-plans/{sectoral_plan_id}") => (
            path,
            Some(json!({ "name": format!("Plan renommé {unique}") })),
        ),
        (
            "PUT",
            "/api/v1/actions/{action_id}/sectoral-plans"
            | "/api/v1/objectives/{objective_id}/sectoral-plans",
        ) => (path, Some(json!({ "sectoral_plan_ids": [] }))),
        ("POST", "/api/v1/me/second-factor/confirm") => (path, Some(json!({ "code": "abcdef" }))),
        ("POST", "/api/v1/me/second-factor/disable") => {
            (path, Some(json!({ "password": "not the password" })))
        }
        ("PUT", "/api/v1/security-policy") => {
            (path, Some(json!({ "second_factor_required": false })))
        }
        ("POST", "/api/v1/auth/oidc/callback") => (
            path,
            Some(json!({ "code": "a-code", "state": "a-state-nobody-started" })),
        ),
        ("POST", "/api/v1/identity-providers") => (
            path,
            Some(json!({
                "label": format!("Fournisseur {unique}"),
                // Loopback (allowed in tests), where nothing answers as a provider.
                "issuer": format!("http://127.0.0.1:{}", tests::free_port()),
                "client_id": "pst",
            })),
        ),
        ("PATCH", "/api/v1/identity-providers/{provider_id}") => {
            (path, Some(json!({ "version": 1, "enabled": false })))
        }
        ("PUT", "/api/v1/me/notification-preferences") => {
            (path, Some(json!({ "language": "fr", "topics": [] })))
        }
        ("PUT", "/api/v1/me/password") => (
            path,
            Some(json!({
                "current_password": "not the password",
                "new_password": "another long passphrase",
            })),
        ),
        ("GET", "/api/v1/users" | "/api/v1/organisations" | "/api/v1/api-tokens")
        | ("DELETE", "/api/v1/api-tokens/{token_id}") => (scoped, None),
        ("GET", "/api/v1/plans/{plan_id}/compare") => (format!("{path}?from=current"), None),
        ("POST", "/api/v1/plans/{plan_id}/versions") => {
            (path, Some(json!({ "adopted_on": "2026-06-30" })))
        }
        ("POST", "/api/v1/plans/{plan_id}/periods") => (
            path,
            Some(
                json!({ "label": format!("Période {unique}"), "starts_on": "2027-01-01",
                         "ends_on": "2027-03-31", "deadline": "2027-04-15" }),
            ),
        ),
        ("PUT", "/api/v1/reporting-settings") => (
            path,
            Some(json!({ "reminder_days_before": 7, "reminder_days_after": 3 })),
        ),
        ("POST", "/api/v1/plans/{plan_id}/evaluations") => (
            path,
            Some(json!({ "kind": "mid_term", "as_of": "2027-12-31" })),
        ),
        ("POST", "/api/v1/plans/import") => (
            format!("{path}?title=Import%20{unique}&tenant_id={tenant_id}"),
            None,
        ),
        ("POST", "/api/v1/api-tokens") => (
            path,
            Some(json!({
                "name": format!("Intégration {unique}"),
                "organisation_id": organisation,
                "scopes": ["plans:read", "actions:propose"],
                "tenant_id": tenant_id,
            })),
        ),
        ("POST", "/api/v1/webhooks") => (
            path,
            Some(json!({ "url": "https://hooks.example/pst", "events": ["action.updated"] })),
        ),
        ("PATCH", "/api/v1/webhooks/{webhook_id}") => {
            (path, Some(json!({ "version": 1, "active": false })))
        }
        ("POST", "/api/v1/users") => (
            path,
            Some(json!({
                "email": format!("{unique}@cpas.example"),
                "display_name": "Nouvelle personne",
                "role": "social_worker",
                "tenant_id": tenant_id,
            })),
        ),
        ("PATCH", "/api/v1/users/{user_id}") => (
            path,
            Some(json!({ "display_name": format!("Renommé {unique}") })),
        ),
        ("POST", "/api/v1/organisations") => (
            path,
            Some(json!({
                "name": format!("Association {unique}"),
                "kind": "association",
                "tenant_id": tenant_id,
            })),
        ),
        ("POST", "/api/v1/actions/{action_id}/change-requests") => (
            path,
            Some(json!({ "base_version": dynamic.version, "changes": { "progress": 12 } })),
        ),
        ("PATCH", "/api/v1/actions/{action_id}") => (
            path,
            Some(json!({ "version": dynamic.version, "changes": { "progress": 13 } })),
        ),
        ("POST", "/api/v1/change-requests/{change_request_id}/reject") => {
            (path, Some(json!({ "reason": "Pas maintenant." })))
        }
        ("POST", "/api/v1/plans") => (path, Some(json!({ "title": format!("Plan {unique}") }))),
        ("PATCH", "/api/v1/plans/{plan_id}") => (
            path,
            Some(json!({ "version": scratch.map_or(1, |s| s.plan_version), "title": "Renommé" })),
        ),
        ("POST", "/api/v1/plans/{plan_id}/adopt") => (
            path,
            Some(
                json!({ "version": scratch.map_or(1, |s| s.plan_version), "adopted_on": "2025-02-01" }),
            ),
        ),
        ("POST", "/api/v1/plans/{plan_id}/close") => (
            path,
            Some(json!({ "version": scratch.map_or(1, |s| s.plan_version) })),
        ),
        ("POST", "/api/v1/plans/{plan_id}/objectives") => (
            path,
            Some(
                json!({ "level": "strategic", "volet": "interne", "code": "OSi9", "title": "Nouveau" }),
            ),
        ),
        ("PATCH", "/api/v1/objectives/{objective_id}") => (
            path,
            Some(
                json!({ "version": scratch.map_or(1, |s| s.objective_version), "title": "Renommé" }),
            ),
        ),
        ("POST", "/api/v1/objectives/{objective_id}/actions") => (
            path,
            Some(json!({ "code": "Me9", "kind": "mission", "title": "Nouvelle action" })),
        ),
        ("PATCH", "/api/v1/actions/{action_id}/definition") => (
            path,
            Some(
                json!({ "version": scratch.map_or(1, |s| s.action_version), "title": "Renommée" }),
            ),
        ),
        ("PUT", "/api/v1/actions/{action_id}/organisations") => (
            path,
            Some(
                json!({ "version": scratch.map_or(1, |s| s.action_version), "collaborators": [] }),
            ),
        ),
        ("POST", "/api/v1/actions/{action_id}/archive") => (
            path,
            Some(json!({ "version": scratch.map_or(1, |s| s.action_version) })),
        ),
        ("POST", "/api/v1/actions/{action_id}/sub-actions") => {
            (path, Some(json!({ "title": "Une étape" })))
        }
        ("POST", "/api/v1/actions/{action_id}/indicators")
        | ("PUT", "/api/v1/indicators/{indicator_id}") => (
            path,
            Some(json!({ "name": "Indicateur", "unit": "%", "target": 80 })),
        ),
        ("POST", "/api/v1/actions/{action_id}/budget-lines")
        | ("PUT", "/api/v1/budget-lines/{budget_line_id}") => (
            path,
            Some(
                json!({ "year": 2026, "service": "extraordinaire", "direction": "recette", "planned_cents": 5000 }),
            ),
        ),
        ("PUT", "/api/v1/me/identity") => (
            path,
            Some(json!({ "civility": "madame", "given_name": "Anne", "family_name": "Lambert" })),
        ),
        ("POST", "/api/v1/actions/{action_id}/budget-projections")
        | ("PUT", "/api/v1/budget-projections/{budget_projection_id}") => (
            path,
            Some(
                json!({ "service": "ordinaire", "direction": "recette", "economic_group": "Subsides", "years": [{ "year": 2027, "amount_cents": 5000 }] }),
            ),
        ),
        ("POST", "/api/v1/plans/{plan_id}/opinions") | ("PUT", "/api/v1/opinions/{opinion_id}") => {
            (
                path,
                Some(json!({ "body": "Avis du DG.", "objective_ids": [] })),
            )
        }
        ("POST", "/api/v1/tasks") => (
            path,
            Some(
                json!({ "tasks": [{ "action_id": action, "title": "Une tâche", "due_on": "2024-06-30" }] }),
            ),
        ),
        ("POST", "/api/v1/tasks/assignment") => (
            path,
            Some(json!({ "task_ids": [dynamic.task], "assignee": null })),
        ),
        ("PATCH", "/api/v1/tasks/{task_id}") => (path, Some(json!({ "version": 1, "done": true }))),
        ("POST", "/api/v1/actions/{action_id}/attachments") => {
            (format!("{path}?name=preuve.pdf"), None)
        }
        ("POST", "/api/v1/actions/{action_id}/comments") => {
            (path, Some(json!({ "body": "Réunion tenue." })))
        }
        ("PATCH", "/api/v1/comments/{comment_id}") => (
            path,
            Some(json!({ "version": 1, "body": "Réunion tenue hier." })),
        ),
        ("POST", "/api/v1/comments/{comment_id}/hide") => {
            (path, Some(json!({ "reason": "Hors sujet." })))
        }
        // Each CPAS is set once in the table (its own row, then the other's), at its first
        // version.
        ("PUT", "/api/v1/tenants/{tenant_id}") => (
            path,
            Some(
                json!({ "name": "CPAS", "nis_code": 84077, "administration_type": "cpas", "version": 1 }),
            ),
        ),
        ("POST", "/api/v1/tenants") => (
            path,
            Some(json!({ "slug": format!("t-{unique}"), "name": format!("CPAS {unique}") })),
        ),
        _ => (path, None),
    }
}

/// A file eComptes could return: a budget year and no element.
const ECOMPTES_FILE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><dataroot><Identifiants><Exercice>2026</Exercice></Identifiants></dataroot>";
const IMPORT_FILE: &str = "niveau;code;parent;intitule;type;volet;porteur;collaborations;reserve;statut;avancement;debut;echeance\nOS;OSe1;;Un objectif;;externe;;;;;;;\n";

/// The accounts that arrange what a row's request needs (proposals, tokens, scratch plans).
struct Arrangers {
    own_dg: String,
    other_dg: String,
    own_social: String,
    other_social: String,
}

impl Arrangers {
    async fn new(app: &TestApp) -> Self {
        Self {
            own_dg: app.token("dg@cpas-a.example").await,
            other_dg: app.token("dg@paliseul.example").await,
            own_social: app.token("social@cpas-a.example").await,
            other_social: app.token("social@paliseul.example").await,
        }
    }
}

/// What every request of the table is sent within.
#[derive(Clone, Copy)]
struct Setting<'a> {
    app: &'a TestApp,
    fixtures: &'a Fixtures,
    arrangers: &'a Arrangers,
}

/// Arranges what `row` needs and sends its request with `token` (the body as `caller`
/// would send it; `refresh_token` for the refresh route). `n` keeps created names apart.
async fn send_row(
    setting: Setting<'_>,
    row: &Row,
    caller: Caller,
    token: Option<&str>,
    refresh_token: Option<String>,
    n: usize,
) -> reqwest::Response {
    let Setting {
        app,
        fixtures,
        arrangers,
    } = setting;
    let unique = format!("m{n}-{}", uuid::Uuid::new_v4().simple());
    let other = row.target == Target::OtherTenant;
    let (dg, social) = if other {
        (&arrangers.other_dg, &arrangers.other_social)
    } else {
        (&arrangers.own_dg, &arrangers.own_social)
    };
    let action = match row.target {
        Target::OtherTenant => &fixtures.other_tenant_action,
        Target::OtherOrganisation => &fixtures.other_org_action,
        _ => &fixtures.own_org_action,
    };
    let mut dynamic = Dynamic {
        refresh_token,
        ..Dynamic::default()
    };
    if row.route.contains("{change_request_id}") {
        // Proposals are made on actions nobody else edits in this table.
        let target = if other {
            &fixtures.other_tenant_action
        } else {
            &fixtures.other_org_action
        };
        dynamic.change_request = Some(fresh_proposal(app, social, dg, target).await);
    }
    let organisation = if other {
        &fixtures.other_organisation
    } else {
        &fixtures.own_organisation
    };
    if row.route.contains("{token_id}") {
        dynamic.token = Some(fresh_integration(app, dg, organisation, "token").await);
    }
    if row.route.contains("{webhook_id}") {
        dynamic.webhook = Some(fresh_integration(app, dg, organisation, "webhook").await);
    }
    if row.route.starts_with("/api/v1/tasks/") && row.method != Method::GET {
        let assignee = match row.target {
            Target::OtherOrganisation => Some(&fixtures.defits_organisation),
            Target::OtherTenant => None,
            _ => Some(&fixtures.partner_organisation),
        };
        dynamic.task = Some(fresh_task(app, dg, action, assignee).await);
    }
    if row.route.contains("{comment_id}") {
        dynamic.comment = Some(fresh_comment(app, dg, action).await);
    }
    if row.route.contains("{attachment_id}") {
        dynamic.attachment = Some(fresh_attachment(app, dg, action).await);
    }
    let plan = if other {
        &fixtures.other_plan
    } else {
        &fixtures.own_plan
    };
    if row.route == "/api/v1/plans/{plan_id}/periods" && row.method == Method::POST {
        close_open_periods(app, dg, plan).await;
    }
    if row.route.contains("{period_id}") {
        dynamic.period = Some(fresh_period(app, dg, plan).await);
    }
    if uses_scratch(&row.method, row.route) {
        let adopted = row.route.ends_with("/close");
        dynamic.scratch = Some(scratch(app, dg, adopted).await);
    }
    if row.route.starts_with("/api/v1/actions/{action_id}") && row.method != Method::GET {
        dynamic.version = version_of(app, dg, action).await;
    }
    let (path, body) = request(row, caller, fixtures, &dynamic, &unique);
    let token = if row.route == "/api/v1/auth/refresh" {
        None
    } else {
        token
    };
    let file = match row.route {
        "/api/v1/plans/import" => Some(("text/csv", IMPORT_FILE)),
        "/api/v1/plans/{plan_id}/ecomptes" => Some(("application/xml", ECOMPTES_FILE)),
        "/api/v1/actions/{action_id}/attachments" if row.method == Method::POST => {
            Some(("application/pdf", EVIDENCE_FILE))
        }
        _ => None,
    };
    if let Some((content_type, file)) = file {
        // A file, not JSON.
        let mut request = app
            .client
            .post(app.url(&path))
            .header("content-type", content_type)
            .body(file);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the server answers")
    } else {
        app.send_as(row.method.clone(), token, &path, body.as_ref())
            .await
    }
}

/// The statuses the OpenAPI document declares for each `METHOD /route`.
fn declared_statuses() -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let document: Value =
        serde_json::from_str(&backend::openapi::document_json()).expect("the document is JSON");
    let mut declared = std::collections::BTreeMap::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            let statuses = operation["responses"]
                .as_object()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
            declared.insert(format!("{} {path}", method.to_uppercase()), statuses);
        }
    }
    declared
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_policy_says() {
    let app = spawn_app().await;
    let fixtures = arrange(&app).await;
    let mut tokens = Vec::new();
    for caller in CALLERS {
        tokens.push(match caller.email() {
            Some(email) => Some(app.login(email).await),
            None => None,
        });
    }
    let arrangers = Arrangers::new(&app).await;
    let declared = declared_statuses();

    let mut failures = Vec::new();
    let mut n = 0;
    for row in rows() {
        for (index, caller) in CALLERS.iter().enumerate() {
            n += 1;
            // Logout and refresh spend their session: use a fresh one.
            let fresh = match (row.route, caller.email()) {
                ("/api/v1/auth/logout" | "/api/v1/auth/refresh", Some(email)) => {
                    Some(app.login(email).await)
                }
                _ => None,
            };
            let session = fresh.as_ref().or(tokens[index].as_ref());
            let response = send_row(
                Setting {
                    app: &app,
                    fixtures: &fixtures,
                    arrangers: &arrangers,
                },
                &row,
                *caller,
                session.map(|s| s.access_token.as_str()),
                session.map(|s| s.refresh_token.clone()),
                n,
            )
            .await;
            let status = response.status().as_u16();
            let operation = format!("{} {}", row.method, row.route);
            // What the server answers, the document must declare (a generated client
            // fails on an undeclared status).
            if !declared
                .get(&operation)
                .is_some_and(|statuses| statuses.contains(&status.to_string()))
            {
                failures.push(format!(
                    "{operation} ({:?}) as {caller:?}: {status} is not declared",
                    row.target
                ));
            }
            if status != row.expected[index] {
                let text = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{operation} ({:?}) as {caller:?}: expected {}, got {status}: {text}",
                    row.target, row.expected[index]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The document's promise about API tokens, for one operation: `None` when the operation
/// is public or for people only, otherwise the scopes a token needs.
fn token_scopes(operation: &Value) -> Option<Vec<String>> {
    operation["security"]
        .as_array()?
        .iter()
        .find_map(|requirement| requirement.get("api_token"))
        .and_then(Value::as_array)
        .map(|scopes| {
            scopes
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
}

/// Every operation, called with API tokens of each scope, answers as its `security` and
/// `x-required-scopes` say: a token lacking a named scope gets 403 `insufficient_scope`, one
/// holding them is let through (whatever the role rules then decide), and an operation that
/// does not list `api_token` refuses every token with 403 `api_token_not_allowed`. The
/// statuses are declared, too.
#[tokio::test]
async fn api_tokens_are_accepted_exactly_where_the_document_says() {
    let app = spawn_app().await;
    let fixtures = arrange(&app).await;
    let arrangers = Arrangers::new(&app).await;
    let document: Value =
        serde_json::from_str(&backend::openapi::document_json()).expect("the document is JSON");
    // The PCS's organisation leads Pe18, the action of the `OwnOrganisation` rows.
    let partner = app.token("pcs@cpas-a.example").await;
    let me: User = app.get_ok_as(&partner, "/api/v1/me").await;
    let pcs = me.organisation.expect("the PCS has an organisation").id;
    const SCOPES: [&str; 3] = ["plans:read", "actions:propose", "webhooks:manage"];
    let mut tokens = Vec::new();
    for scopes in SCOPES.iter().map(|s| vec![*s]).chain([SCOPES.to_vec()]) {
        let response = app
            .send_as(
                Method::POST,
                Some(&arrangers.own_dg),
                "/api/v1/api-tokens",
                Some(&json!({ "name": format!("Jeton {scopes:?}"), "organisation_id": pcs, "scopes": scopes })),
            )
            .await;
        assert_eq!(response.status(), 201);
        let created: api_types::ApiTokenCreated = response.json().await.expect("a token");
        tokens.push((scopes, created.secret));
    }

    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    let mut n = 0;
    for row in rows() {
        // One request per operation, on something of the token's own CPAS.
        let own = matches!(
            row.target,
            Target::None | Target::OwnTenant | Target::OwnOrganisation
        );
        if !own || !seen.insert(format!("{} {}", row.method, row.route)) {
            continue;
        }
        let operation = &document["paths"][row.route][row.method.as_str().to_lowercase()];
        let Some(security) = operation["security"].as_array() else {
            failures.push(format!("{} {}: no `security`", row.method, row.route));
            continue;
        };
        if security.is_empty() {
            continue; // Public: a credential changes nothing.
        }
        let needed = token_scopes(operation);
        let extension: Option<Vec<String>> =
            serde_json::from_value(operation["x-required-scopes"].clone()).ok();
        if needed.is_some() && needed != extension {
            failures.push(format!(
                "{} {}: x-required-scopes {extension:?} differs from the security's {needed:?}",
                row.method, row.route
            ));
        }
        for (scopes, secret) in &tokens {
            n += 1;
            let response = send_row(
                Setting {
                    app: &app,
                    fixtures: &fixtures,
                    arrangers: &arrangers,
                },
                &row,
                Caller::Partner,
                Some(secret),
                None,
                n,
            )
            .await;
            let status = response.status().as_u16();
            let problem: Value = response.json().await.unwrap_or_default();
            let code = problem["code"].as_str().unwrap_or_default().to_owned();
            let refused_as_token = status == 403
                && matches!(
                    code.as_str(),
                    "insufficient_scope" | "api_token_not_allowed"
                );
            let expected_refusal = match &needed {
                None => Some("api_token_not_allowed"),
                Some(needed) if !needed.iter().all(|s| scopes.contains(&s.as_str())) => {
                    Some("insufficient_scope")
                }
                Some(_) => None,
            };
            let ok = match expected_refusal {
                Some(expected) => status == 403 && code == expected,
                None => status != 401 && !refused_as_token,
            };
            if !ok {
                failures.push(format!(
                    "{} {} with a token of {scopes:?}: the document says {}, the server answered {status} {code}",
                    row.method,
                    row.route,
                    expected_refusal.unwrap_or("accepted"),
                ));
            }
            let declared = operation["responses"].get(status.to_string()).is_some();
            if !declared {
                failures.push(format!(
                    "{} {} with a token of {scopes:?}: {status} is not declared",
                    row.method, row.route
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_matrix_covers_every_route_of_the_api() {
    let document: Value =
        serde_json::from_str(&backend::openapi::document_json()).expect("the document is JSON");
    let mut routes = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                routes.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let covered: BTreeSet<String> = rows()
        .iter()
        .map(|r| format!("{} {}", r.method, r.route))
        .collect();

    let missing: Vec<&String> = routes.difference(&covered).collect();
    let unknown: Vec<&String> = covered.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the matrix: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "matrix entries for routes that do not exist: {unknown:?}"
    );
}
