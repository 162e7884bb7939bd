//! Loading data for a page: the answer of an API call, fetched again whenever the signals
//! the call reads change.
//!
//! It does what a `LocalResource` does for our pages with a plain signal and an effect:
//! every `LocalResource<T>` compiles a copy of Leptos's async machinery for its `T`, and the
//! WASM has a size budget.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiFailure;

pub type Fetch<T> = Pin<Box<dyn Future<Output = Result<T, ApiFailure>>>>;

/// `None` while loading; then the answer. An answer that arrives after a newer request was
/// made is dropped, so the page never shows stale data.
pub fn loader<T: Send + Sync + 'static>(
    fetch: impl Fn() -> Fetch<T> + 'static,
) -> ReadSignal<Option<Result<T, ApiFailure>>> {
    let (value, set_value) = signal(None);
    let generation = Rc::new(Cell::new(0_u64));
    Effect::new(move |_| {
        let call = fetch();
        let current = generation.get() + 1;
        generation.set(current);
        let generation = Rc::clone(&generation);
        spawn_local(async move {
            let answer = call.await;
            if generation.get() == current {
                set_value.set(Some(answer));
            }
        });
    });
    value
}
