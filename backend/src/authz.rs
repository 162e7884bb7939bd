//! The authorization policy: the one place that answers "may this actor do this, here?".
//!
//! Every handler calls [`ensure`] before doing anything on behalf of a user. Tenancy comes
//! first: what belongs to another CPAS is answered "not found" (404), so that its existence
//! is not revealed; what the actor can see but not do is "forbidden" (403).

use api_types::{ApiScope, ProblemCode, Role};
use uuid::Uuid;

use crate::domain::TenantId;
use crate::domain::tasks::Assignee;
use crate::error::ApiError;

/// The user on whose behalf a request runs, as the database knows them now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Uuid,
    pub role: Role,
    /// `None` for platform administrators.
    pub tenant: Option<TenantId>,
    pub organisation: Option<Uuid>,
    pub session_id: Uuid,
    /// An integration's API token: what it may do on top of its organisation's rights.
    /// `None` for a person.
    pub scopes: Option<Vec<ApiScope>>,
    /// The person's password was given to them (a new account, a reset): until they
    /// choose their own, [`crate::app::RequestDb::run_as`] refuses their requests.
    /// Always `false` for an API token: its integration account never signs in.
    pub must_change_password: bool,
    /// The person signed in while their CPAS required a second step they had not
    /// enrolled: until they do, [`crate::app::RequestDb::run_as`] refuses their requests.
    /// Always `false` for an API token.
    pub must_enrol_second_factor: bool,
}

impl Actor {
    /// The actor's CPAS, for queries that are always scoped to one.
    pub fn tenant(&self) -> Result<TenantId, ApiError> {
        self.tenant.ok_or(ApiError::Forbidden(
            "platform administrators do not work on plans",
        ))
    }
}

/// The CPAS's management: who decides on proposals, edits actions directly, and is told
/// of new proposals and stale actions. The queries that notify them bind
/// [`manager_roles`] rather than name the roles.
pub const MANAGERS: [Role; 2] = [Role::President, Role::Dg];

/// [`MANAGERS`] as stored in `users.role`, to bind as a `text[]`.
pub fn manager_roles() -> Vec<&'static str> {
    MANAGERS.iter().map(|role| role.as_str()).collect()
}

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the plans of a CPAS (tree, actions, organisations).
    ReadPlans,
    /// Propose a change to an action's follow-up.
    ProposeChange,
    /// Withdraw one's own pending proposal (that it is one's own, the use case checks).
    WithdrawChange,
    /// Approve or reject proposals.
    DecideChanges,
    /// Change an action's follow-up directly.
    EditFollowUp,
    /// Change a plan's structure (objectives, actions, organisations on actions, opinions).
    EditPlanStructure,
    /// Create and manage the accounts of a CPAS.
    ManageUsers,
    /// Create and rename the organisations of a CPAS.
    ManageOrganisations,
    /// Create and list CPAS.
    ManageTenants,
    ManageApiTokens,
    ManageWebhooks,
    ImportPlans,
    /// Give, change and delete tasks.
    ManageTasks,
    /// Mark a task done or open again (scope [`Scope::Task`]).
    CloseTask,
    /// Comment on an action, and change or delete one's own comments (that they are one's
    /// own, the use case checks).
    Comment,
    /// Hide a comment, with a reason.
    HideComments,
    /// Attach evidence files to an action (scope [`Scope::Action`]), and remove one's own.
    AttachEvidence,
    /// Remove anyone's evidence file.
    ModerateEvidence,
    /// Open and close a plan's reporting periods, and set when their reminders go.
    ManagePeriods,
}

impl Permission {
    /// The scope an API token needs for this; `None`: tokens never may.
    fn scope(self) -> Option<ApiScope> {
        match self {
            Permission::ReadPlans => Some(ApiScope::PlansRead),
            Permission::ProposeChange | Permission::WithdrawChange | Permission::AttachEvidence => {
                Some(ApiScope::ActionsPropose)
            }
            Permission::ManageWebhooks => Some(ApiScope::WebhooksManage),
            _ => None,
        }
    }
}

/// Where the actor wants to do it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The platform as a whole.
    Platform,
    /// One CPAS.
    Tenant(TenantId),
    /// One action of a CPAS, with the organisations that carry it (lead or collaborator).
    Action {
        tenant: TenantId,
        organisations: &'a [Uuid],
    },
    /// One task of a CPAS, with whom it is given to.
    Task {
        tenant: TenantId,
        assignee: Option<Assignee>,
    },
}

/// The policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Visible but not allowed: 403.
    Forbid(&'static str),
    /// An API token asking for what only people do: 403 `api_token_not_allowed`.
    TokenNotAllowed,
    /// An API token without the scope this needs: 403 `insufficient_scope`.
    MissingScope(ApiScope),
    /// Not the actor's to see: 404.
    Hide,
}

/// Applies the policy, as an error for the handler to return.
pub fn ensure(actor: &Actor, permission: Permission, scope: Scope<'_>) -> Result<(), ApiError> {
    match decide(actor, permission, scope) {
        Decision::Allow => Ok(()),
        Decision::Forbid(reason) => Err(ApiError::Forbidden(reason)),
        Decision::TokenNotAllowed => Err(ApiError::TokenForbidden {
            code: ProblemCode::ApiTokenNotAllowed,
            detail: "API tokens cannot do this; a person must sign in",
        }),
        Decision::MissingScope(scope) => Err(ApiError::TokenForbidden {
            code: ProblemCode::InsufficientScope,
            detail: match scope {
                ApiScope::PlansRead => "the API token lacks the scope plans:read",
                ApiScope::ActionsPropose => "the API token lacks the scope actions:propose",
                ApiScope::WebhooksManage => "the API token lacks the scope webhooks:manage",
            },
        }),
        Decision::Hide => Err(ApiError::NotFound {
            resource: "resource",
        }),
    }
}

/// The policy itself: pure, so that it can be tested as a table.
pub fn decide(actor: &Actor, permission: Permission, scope: Scope<'_>) -> Decision {
    use Permission as P;
    use Role as R;

    let tenant = match scope {
        Scope::Platform => None,
        Scope::Tenant(tenant) | Scope::Action { tenant, .. } | Scope::Task { tenant, .. } => {
            Some(tenant)
        }
    };

    if actor.role == R::Admin {
        // The platform's operators manage CPAS and accounts; plan content is not theirs.
        return match permission {
            P::ManageTenants
            | P::ManageUsers
            | P::ManageOrganisations
            | P::ManageApiTokens
            | P::ImportPlans => Decision::Allow,
            _ => Decision::Forbid("platform administrators do not work on plans"),
        };
    }
    match tenant {
        Some(tenant) if actor.tenant != Some(tenant) => return Decision::Hide,
        None if permission != P::ManageTenants => return Decision::Hide,
        _ => {}
    }

    // An API token: its scopes first, then the rights of the account it acts through.
    if let Some(scopes) = &actor.scopes {
        match permission.scope() {
            None => return Decision::TokenNotAllowed,
            Some(needed) if !scopes.contains(&needed) => return Decision::MissingScope(needed),
            Some(ApiScope::WebhooksManage) => return Decision::Allow,
            Some(_) => {}
        }
    }

    let allowed = match (permission, actor.role) {
        (P::ReadPlans | P::WithdrawChange | P::Comment, _) => true,
        (P::ProposeChange | P::AttachEvidence, R::SocialWorker) => true,
        (P::AttachEvidence | P::ModerateEvidence, role) if MANAGERS.contains(&role) => true,
        (P::ProposeChange | P::AttachEvidence, R::Partner) => match scope {
            Scope::Action { organisations, .. } => actor
                .organisation
                .is_some_and(|org| organisations.contains(&org)),
            _ => false,
        },
        (P::DecideChanges | P::EditFollowUp | P::ManageTasks, role) => MANAGERS.contains(&role),
        // The management closes any task; the assignee theirs: the person, or the people
        // of the organisation it is given to.
        (P::CloseTask, role) if MANAGERS.contains(&role) => true,
        (P::CloseTask, _) => match scope {
            Scope::Task {
                assignee: Some(Assignee::User(user)),
                ..
            } => user == actor.user_id,
            Scope::Task {
                assignee: Some(Assignee::Organisation(organisation)),
                ..
            } => actor.organisation == Some(organisation),
            _ => false,
        },
        (
            P::EditPlanStructure
            | P::ManageUsers
            | P::ManageOrganisations
            | P::ManageApiTokens
            | P::ManageWebhooks
            | P::ImportPlans
            | P::HideComments
            | P::ManagePeriods,
            R::Dg,
        ) => true,
        _ => false,
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::Forbid(match permission {
            P::ReadPlans => "reading plans is not allowed",
            P::ProposeChange => {
                "only the organisations that carry an action, and social workers, propose changes to it"
            }
            P::WithdrawChange => "withdrawing proposals is not allowed",
            P::DecideChanges => "only the president and the Directeur général decide on proposals",
            P::EditFollowUp => "only the president and the Directeur général edit actions directly",
            P::EditPlanStructure => "only the Directeur général edits the plan's structure",
            P::ManageUsers => "only the Directeur général and administrators manage accounts",
            P::ManageOrganisations => {
                "only the Directeur général and administrators manage organisations"
            }
            P::ManageTenants => "only platform administrators manage CPAS",
            P::ManageApiTokens => "only the Directeur général and administrators manage API tokens",
            P::ManageWebhooks => "only the Directeur général manages webhooks",
            P::ImportPlans => "only the Directeur général and administrators import plans",
            P::ManageTasks => "only the president and the Directeur général give and change tasks",
            P::CloseTask => {
                "only the person or organisation a task is given to, and the management, close it"
            }
            P::Comment => "commenting is not allowed",
            P::HideComments => "only the Directeur général hides comments",
            P::AttachEvidence => {
                "only the organisations that carry an action, social workers and the management attach files to it"
            }
            P::ModerateEvidence => {
                "only the president and the Directeur général remove the files others attached"
            }
            P::ManagePeriods => "only the Directeur général opens and closes reporting periods",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENANT: TenantId = TenantId::new(Uuid::from_u128(1));
    const OTHER_TENANT: TenantId = TenantId::new(Uuid::from_u128(2));
    const ORG: Uuid = Uuid::from_u128(10);
    const OTHER_ORG: Uuid = Uuid::from_u128(11);

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: Uuid::from_u128(100),
            role,
            tenant: (role != Role::Admin).then_some(TENANT),
            organisation: (role == Role::Partner).then_some(ORG),
            session_id: Uuid::from_u128(200),
            scopes: None,
            must_change_password: false,
            must_enrol_second_factor: false,
        }
    }

    /// Every permission × role on the actor's own CPAS, and the answer for another CPAS.
    #[test]
    fn the_policy_as_a_table() {
        use Decision::{Allow as A, Hide as H};
        use Permission as P;
        let f = |d: Decision| matches!(d, Decision::Forbid(_));
        let own_org = [ORG];
        let other_org = [OTHER_ORG];
        // (permission, scope, [admin, president, dg, social_worker, partner]) → allowed?
        let own = Scope::Tenant(TENANT);
        let on_own_org_action = Scope::Action {
            tenant: TENANT,
            organisations: &own_org,
        };
        let on_other_org_action = Scope::Action {
            tenant: TENANT,
            organisations: &other_org,
        };
        let table: &[(P, Scope<'_>, [bool; 5])] = &[
            (P::ReadPlans, own, [false, true, true, true, true]),
            (
                P::ProposeChange,
                on_own_org_action,
                [false, false, false, true, true],
            ),
            (
                P::ProposeChange,
                on_other_org_action,
                [false, false, false, true, false],
            ),
            (P::DecideChanges, own, [false, true, true, false, false]),
            (P::EditFollowUp, own, [false, true, true, false, false]),
            (
                P::EditPlanStructure,
                own,
                [false, false, true, false, false],
            ),
            (P::ManageUsers, own, [true, false, true, false, false]),
            (P::ManageTasks, own, [false, true, true, false, false]),
            (P::Comment, own, [false, true, true, true, true]),
            (P::HideComments, own, [false, false, true, false, false]),
            (
                P::AttachEvidence,
                on_own_org_action,
                [false, true, true, true, true],
            ),
            (
                P::AttachEvidence,
                on_other_org_action,
                [false, true, true, true, false],
            ),
            (P::ModerateEvidence, own, [false, true, true, false, false]),
            (P::ManagePeriods, own, [false, false, true, false, false]),
            (
                P::CloseTask,
                Scope::Task {
                    tenant: TENANT,
                    assignee: Some(Assignee::Organisation(ORG)),
                },
                [false, true, true, false, true],
            ),
            (
                P::CloseTask,
                Scope::Task {
                    tenant: TENANT,
                    assignee: Some(Assignee::Organisation(OTHER_ORG)),
                },
                [false, true, true, false, false],
            ),
            (
                P::CloseTask,
                Scope::Task {
                    tenant: TENANT,
                    assignee: Some(Assignee::User(Uuid::from_u128(100))),
                },
                [false, true, true, true, true],
            ),
            (
                P::CloseTask,
                Scope::Task {
                    tenant: TENANT,
                    assignee: Some(Assignee::User(Uuid::from_u128(101))),
                },
                [false, true, true, false, false],
            ),
            (
                P::CloseTask,
                Scope::Task {
                    tenant: TENANT,
                    assignee: None,
                },
                [false, true, true, false, false],
            ),
            (
                P::ManageOrganisations,
                own,
                [true, false, true, false, false],
            ),
            (
                P::ManageTenants,
                Scope::Platform,
                [true, false, false, false, false],
            ),
        ];
        let roles = [
            Role::Admin,
            Role::President,
            Role::Dg,
            Role::SocialWorker,
            Role::Partner,
        ];
        for (permission, scope, expected) in table {
            for (role, allowed) in roles.iter().zip(expected) {
                let decision = decide(&actor(*role), *permission, *scope);
                assert_eq!(
                    decision == A,
                    *allowed,
                    "{role:?} {permission:?} {scope:?}: {decision:?}"
                );
                if !allowed {
                    assert!(f(decision), "{role:?} {permission:?}: {decision:?}");
                }
            }
        }
        // Another CPAS is invisible to everyone but the platform's administrators.
        for role in &roles[1..] {
            for permission in [
                P::ReadPlans,
                P::ProposeChange,
                P::DecideChanges,
                P::ManageUsers,
            ] {
                let scope = Scope::Action {
                    tenant: OTHER_TENANT,
                    organisations: &own_org,
                };
                assert_eq!(
                    decide(&actor(*role), permission, scope),
                    H,
                    "{role:?} {permission:?}"
                );
            }
            // A task of another CPAS given to the actor's own organisation: still hidden.
            let task = Scope::Task {
                tenant: OTHER_TENANT,
                assignee: Some(Assignee::Organisation(ORG)),
            };
            for permission in [P::CloseTask, P::ManageTasks] {
                assert_eq!(decide(&actor(*role), permission, task), H, "{role:?}");
            }
        }
        assert_eq!(
            decide(
                &actor(Role::Admin),
                P::ManageUsers,
                Scope::Tenant(OTHER_TENANT)
            ),
            A
        );
    }

    #[test]
    fn api_tokens_need_the_scope_and_keep_their_organisation_s_limits() {
        let token = |scopes: &[ApiScope]| Actor {
            scopes: Some(scopes.to_vec()),
            ..actor(Role::Partner)
        };
        let own_org = [ORG];
        let other_org = [OTHER_ORG];
        let on = |organisations| Scope::Action {
            tenant: TENANT,
            organisations,
        };
        let reader = token(&[ApiScope::PlansRead]);
        assert_eq!(
            decide(&reader, Permission::ReadPlans, Scope::Tenant(TENANT)),
            Decision::Allow
        );
        assert_eq!(
            decide(&reader, Permission::ProposeChange, on(&own_org)),
            Decision::MissingScope(ApiScope::ActionsPropose)
        );

        let proposer = token(&[ApiScope::PlansRead, ApiScope::ActionsPropose]);
        assert_eq!(
            decide(&proposer, Permission::ProposeChange, on(&own_org)),
            Decision::Allow
        );
        assert!(matches!(
            decide(&proposer, Permission::ProposeChange, on(&other_org)),
            Decision::Forbid(_)
        ));
        assert_eq!(
            decide(
                &proposer,
                Permission::ReadPlans,
                Scope::Tenant(OTHER_TENANT)
            ),
            Decision::Hide,
            "another CPAS stays invisible"
        );

        let hooks = token(&[ApiScope::WebhooksManage]);
        assert_eq!(
            decide(&hooks, Permission::ManageWebhooks, Scope::Tenant(TENANT)),
            Decision::Allow
        );
        assert_eq!(
            decide(&hooks, Permission::ReadPlans, Scope::Tenant(TENANT)),
            Decision::MissingScope(ApiScope::PlansRead)
        );

        // Whatever its scopes, a token never edits, decides or manages people.
        let everything = token(ApiScope::ALL);
        for permission in [
            Permission::DecideChanges,
            Permission::EditFollowUp,
            Permission::EditPlanStructure,
            Permission::ManageUsers,
            Permission::ManageApiTokens,
        ] {
            assert_eq!(
                decide(&everything, permission, Scope::Tenant(TENANT)),
                Decision::TokenNotAllowed
            );
        }
    }
}
