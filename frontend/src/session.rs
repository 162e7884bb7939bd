//! The signed-in user, shared through context. The access token lives in memory only.

use api_types::{TokenResponse, User};
use leptos::prelude::*;

/// A signed-in user and their tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user: User,
}

/// The session signal, provided once by the app.
#[derive(Debug, Clone, Copy)]
pub struct SessionContext(pub RwSignal<Option<Session>>);

impl SessionContext {
    pub fn provide() -> Self {
        let context = Self(RwSignal::new(None));
        provide_context(context);
        context
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub fn token(&self) -> Option<String> {
        self.0.with(|s| s.as_ref().map(|s| s.access_token.clone()))
    }

    pub fn sign_in(&self, tokens: TokenResponse, user: User) {
        self.0.set(Some(Session {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            user,
        }));
    }

    pub fn sign_out(&self) {
        self.0.set(None);
    }
}
