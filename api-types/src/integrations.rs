//! Integrations: API tokens and webhooks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ApiScope, DeliveryStatus, OrganisationSummary, WebhookEvent};

/// `POST /api/v1/api-tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "Reporting du PCS",
    "organisation_id": "7d3b0e52-2f5e-4c1a-9a4e-0f6c1b2d3e4f",
    "scopes": ["plans:read", "actions:propose"],
    "expires_at": "2027-12-31T23:59:59Z"
})))]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    /// What the integration is, e.g. "Reporting du PCS".
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::label::<200>))]
    pub name: String,
    /// The organisation the token acts for; its proposals are limited to the actions this
    /// organisation carries (unless it is the CPAS itself).
    pub organisation_id: Uuid,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<ApiScope>,
    /// After this instant the token is refused; none: until revoked.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// The CPAS (platform administrators only; a DG's tokens are for their own CPAS).
    #[serde(default)]
    pub tenant_id: Option<Uuid>,
}

/// An API token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub organisation: OrganisationSummary,
    pub scopes: Vec<ApiScope>,
    /// The first characters of the secret, e.g. `pst_Ab12`, to recognise it.
    pub prefix: String,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Answer to a token's creation: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenCreated {
    pub token: ApiToken,
    /// Use as `Authorization: Bearer pst_…`. It cannot be shown again.
    pub secret: String,
}

/// `POST /api/v1/webhooks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "url": "https://pcs.commune.example/hooks/pst",
    "events": ["change_request.approved", "action.updated"],
    "description": "Tableau de bord du PCS"
})))]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// An `https://` URL (plain `http://` only to loopback, when the server allows it).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::https_url))]
    pub url: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub events: Vec<WebhookEvent>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::optional_text::<500>))]
    pub description: Option<String>,
}

/// `PATCH /api/v1/webhooks/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    pub version: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::limits::https_url_or_null))]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub events: Option<Vec<WebhookEvent>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A webhook endpoint of the CPAS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<WebhookEvent>,
    pub active: bool,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// Answer to a webhook's registration: the signing key, shown this once (it is stored
/// sealed, and no list or read shows it again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookCreated {
    pub webhook: Webhook,
    /// The HMAC-SHA256 key of the `PST-Signature` header (`whsec_…`). It cannot be shown
    /// again: `POST /api/v1/webhooks/{webhook_id}/rotate-secret` replaces it.
    pub secret: String,
}

/// Answer to a rotation: the endpoint's new signing key, shown this once. Deliveries signed
/// from now on use it; the previous key no longer signs anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSecretRotated {
    pub webhook: Webhook,
    /// The new HMAC-SHA256 key of the `PST-Signature` header (`whsec_…`).
    pub secret: String,
}

/// One delivery of an event to an endpoint, with its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event: WebhookEvent,
    pub status: DeliveryStatus,
    pub attempts: i32,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status at the last attempt.
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    #[serde(default, deserialize_with = "crate::wire_time::optional_instant")]
    pub delivered_at: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    /// The JSON body that is (or was) sent.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// What a webhook delivery of `change_request.created`, `.approved` or `.rejected` carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestEventData {
    /// The proposal, as `GET /api/v1/change-requests/{id}` shows it at that moment.
    pub change_request: crate::ChangeRequest,
}

/// What a webhook delivery of `action.updated` carries: one new version of an action's
/// follow-up (a direct edit, or an approved proposal).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionUpdatedData {
    pub action_id: Uuid,
    pub action_code: String,
    /// The action a sub-action is a step of (`null` for an action): its progress follows
    /// the step's unless set by hand.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// That action's code (`Pe18` for `Pe18.2`).
    #[serde(default)]
    pub parent_code: Option<String>,
    /// The action's version after the change.
    pub version: i32,
    /// Each field changed: its value before and after.
    pub changes: Vec<crate::FieldChange>,
    /// The proposal approved, when the change came from one.
    pub change_request_id: Option<Uuid>,
}

/// What a webhook delivery of `sub_action.created` carries: a step added under an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubActionCreatedData {
    pub sub_action_id: Uuid,
    /// e.g. `Pe18.3`.
    pub code: String,
    pub title: String,
    pub weight: i16,
    /// The action it is a step of.
    pub parent_id: Uuid,
    pub parent_code: String,
    pub plan_id: Uuid,
}

/// What a webhook delivery of `plan.adopted` carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanAdoptedData {
    pub plan_id: Uuid,
    pub title: String,
    /// The council's deliberation date, when given.
    #[serde(default, deserialize_with = "crate::wire_time::optional_date")]
    pub adopted_on: Option<chrono::NaiveDate>,
}

/// Declares the body of each webhook event: the same envelope, typed `data`.
macro_rules! webhook_payloads {
    ($($(#[doc = $doc:literal])* $name:ident($data:ty) = $event:ident;)+) => {
        $(
            $(#[doc = $doc])*
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            #[serde(deny_unknown_fields)]
            pub struct $name {
                /// The event's id: the same on every retry of its delivery, so a receiver
                /// de-duplicates with it.
                pub id: Uuid,
                /// The event type (also in the `PST-Event` header).
                #[serde(rename = "type")]
                pub event: WebhookEvent,
                #[serde(deserialize_with = "crate::wire_time::instant")]
                pub created_at: DateTime<Utc>,
                /// The CPAS it happened in.
                pub tenant_id: Uuid,
                pub data: $data,
            }

            impl $name {
                /// The event this body is sent for.
                pub const EVENT: WebhookEvent = WebhookEvent::$event;
            }
        )+

        /// Every webhook body's schema name with its event, for the OpenAPI `webhooks`.
        pub const WEBHOOK_PAYLOADS: &[(&str, WebhookEvent)] = &[
            $((stringify!($name), WebhookEvent::$event),)+
        ];
    };
}

webhook_payloads! {
    /// Body of the `change_request.created` webhook: a proposal was made.
    ChangeRequestCreatedEvent(ChangeRequestEventData) = ChangeRequestCreated;
    /// Body of the `change_request.approved` webhook: a proposal was approved (an
    /// `action.updated` follows for the change itself).
    ChangeRequestApprovedEvent(ChangeRequestEventData) = ChangeRequestApproved;
    /// Body of the `change_request.rejected` webhook: a proposal was rejected, with a reason.
    ChangeRequestRejectedEvent(ChangeRequestEventData) = ChangeRequestRejected;
    /// Body of the `action.updated` webhook: an action's follow-up changed.
    ActionUpdatedEvent(ActionUpdatedData) = ActionUpdated;
    /// Body of the `plan.adopted` webhook: the council adopted a plan.
    PlanAdoptedEvent(PlanAdoptedData) = PlanAdopted;
    /// Body of the `task.created` webhook: the management gave a task.
    TaskCreatedEvent(crate::TaskEventData) = TaskCreated;
    /// Body of the `task.completed` webhook: a task was marked done.
    TaskCompletedEvent(crate::TaskEventData) = TaskCompleted;
    /// Body of the `sub_action.created` webhook: the DG added a step under an action (its
    /// follow-up then changes through `action.updated`, which names the action too).
    SubActionCreatedEvent(SubActionCreatedData) = SubActionCreated;
}
