//! The signed-in user, shared through context. The access token lives in memory only; the
//! refresh token is kept in the tab's session storage, so that a reload (or a deep link
//! opened in the same tab) resumes the session, and it is traded for a fresh pair before the
//! access token expires.

use std::time::Duration;

use api_types::{TokenResponse, User};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;

/// Where the refresh token is kept between reloads of the tab.
const STORAGE_KEY: &str = "pst.refresh";
/// Access tokens live 15 minutes: refresh well before.
const REFRESH_EVERY: Duration = Duration::from_secs(10 * 60);

/// A signed-in user and their tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user: User,
}

/// The session signals, provided once by the app.
#[derive(Debug, Clone, Copy)]
pub struct SessionContext {
    pub state: RwSignal<Option<Session>>,
    /// A stored session is being resumed: pages wait instead of sending to the login.
    pub restoring: RwSignal<bool>,
}

thread_local! {
    /// The app's session context, for what happens outside any component: an API answer
    /// saying the password must be changed first.
    static CONTEXT: std::cell::Cell<Option<SessionContext>> = const { std::cell::Cell::new(None) };
}

/// The server refused a request until the person chooses their own password (403
/// `password_change_required`): the session says so, and [`RequireSession`] takes them to
/// the page where they do.
///
/// [`RequireSession`]: crate::components::require_session::RequireSession
pub fn password_change_required() {
    if let Some(context) = CONTEXT.with(std::cell::Cell::get) {
        context.set_must_change_password(true);
    }
}

/// The server refused a request until the person enrols the second sign-in step their
/// CPAS requires (403 `second_factor_enrolment_required`): to "Mon compte", where they do.
pub fn second_factor_enrolment_required() {
    let account = crate::components::require_session::ACCOUNT_PAGE;
    if let Some(location) = web_sys::window().map(|w| w.location())
        && location.pathname().ok().as_deref() != Some(account)
    {
        let _ = location.set_href(account);
    }
}

/// The tab's own storage (`sessionStorage`): gone with the tab, never shared with another.
pub fn tab_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn stored_refresh_token() -> Option<String> {
    tab_storage()?.get_item(STORAGE_KEY).ok()?
}

fn store_refresh_token(token: Option<&str>) {
    if let Some(storage) = tab_storage() {
        let _ = match token {
            Some(token) => storage.set_item(STORAGE_KEY, token),
            None => storage.remove_item(STORAGE_KEY),
        };
    }
}

impl SessionContext {
    /// Provides the context, resumes a stored session, and keeps the tokens fresh.
    pub fn provide() -> Self {
        let stored = stored_refresh_token();
        let context = Self {
            state: RwSignal::new(None),
            restoring: RwSignal::new(stored.is_some()),
        };
        provide_context(context);
        CONTEXT.with(|c| c.set(Some(context)));
        if let Some(refresh_token) = stored {
            spawn_local(async move {
                context.resume(refresh_token).await;
                context.restoring.set(false);
            });
        }
        set_interval(
            move || {
                if let Some(refresh_token) = context
                    .state
                    .with_untracked(|s| s.as_ref().map(|s| s.refresh_token.clone()))
                {
                    spawn_local(async move { context.resume(refresh_token).await });
                }
            },
            REFRESH_EVERY,
        );
        context
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Trades a refresh token for a new pair and the user's profile; signs out on failure.
    async fn resume(self, refresh_token: String) {
        let resumed = async {
            let tokens = api::refresh(refresh_token).await?;
            let user = api::me(&tokens.access_token).await?;
            Ok::<_, api::ApiFailure>((tokens, user))
        }
        .await;
        match resumed {
            Ok((tokens, user)) => self.sign_in(tokens, user),
            Err(_) => self.sign_out(),
        }
    }

    pub fn token(&self) -> Option<String> {
        self.state
            .with(|s| s.as_ref().map(|s| s.access_token.clone()))
    }

    pub fn sign_in(&self, tokens: TokenResponse, user: User) {
        store_refresh_token(Some(&tokens.refresh_token));
        self.state.set(Some(Session {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            user,
        }));
    }

    /// Whether the person must choose their own password before anything else.
    pub fn must_change_password(&self) -> bool {
        self.state
            .with(|s| s.as_ref().is_some_and(|s| s.user.must_change_password))
    }

    pub fn set_must_change_password(&self, must: bool) {
        let differs = self.state.with_untracked(|s| {
            s.as_ref()
                .is_some_and(|s| s.user.must_change_password != must)
        });
        if differs {
            self.state.update(|s| {
                if let Some(s) = s {
                    s.user.must_change_password = must;
                }
            });
        }
    }

    pub fn sign_out(&self) {
        store_refresh_token(None);
        self.state.set(None);
    }
}
