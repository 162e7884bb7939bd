//! A confirmation before an act that is hard to undo (a role change, a deactivation, a new
//! password, an adoption, ending a session): the browser's own modal `<dialog>`, which
//! keeps the focus inside, closes on Escape and makes the page behind it inert.
//!
//! One dialog per page; a part of the page asks with [`Confirm::ask`]. The dialog is
//! labelled by its question and described by what will happen; the focus goes into it
//! (to Cancel, the safe answer), and back to the button that opened it when it closes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What to confirm.
#[derive(Clone)]
pub struct Confirmation {
    /// The question: the dialog's title.
    pub title: String,
    /// What will happen.
    pub text: String,
    /// The confirm button, naming the act: "Désactiver le compte de Marie Dupont".
    pub act: String,
    pub on_confirm: Callback<()>,
    /// Undoes what asked (a select put back on its value); cancelling does nothing else.
    pub on_cancel: Option<Callback<()>>,
}

/// The page's question, if one is asked.
#[derive(Clone, Copy)]
pub struct Confirm(RwSignal<Option<Confirmation>>);

impl Default for Confirm {
    fn default() -> Self {
        Self(RwSignal::new(None))
    }
}

impl Confirm {
    pub fn ask(self, confirmation: Confirmation) {
        self.0.set(Some(confirmation));
    }
}

/// The dialog of the page's [`Confirm`].
#[component]
pub fn ConfirmDialog(confirm: Confirm) -> impl IntoView {
    // A page may hold several (an action's files and its discussion each have theirs):
    // each names its title and text by ids of its own.
    static DIALOGS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = DIALOGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (title_id, text_id) = (format!("confirm-title-{n}"), format!("confirm-text-{n}"));
    let (labelled_by, described_by) = (title_id.clone(), text_id.clone());
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let confirmed = StoredValue::new(false);
    Effect::new(move |_| {
        let asked = confirm.0.with(Option::is_some);
        if let Some(dialog) = dialog.get().filter(|d| asked && !d.open()) {
            let focused = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.active_element())
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            opener.set_value(focused);
            let _ = dialog.show_modal();
        }
    });
    let answer = move |yes: bool| {
        confirmed.set_value(yes);
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    // Every way out (the buttons, Escape) ends here: focus back first, then the act.
    let closed = move |_| {
        let Some(asked) = confirm.0.try_update(Option::take).flatten() else {
            return;
        };
        if let Some(opener) = opener.try_update_value(Option::take).flatten() {
            let _ = opener.focus();
        }
        if confirmed.try_update_value(std::mem::take).unwrap_or(false) {
            asked.on_confirm.run(());
        } else if let Some(cancel) = asked.on_cancel {
            cancel.run(());
        }
    };
    let text = move |part: fn(&Confirmation) -> &String| {
        confirm.0.with(|c| c.as_ref().map(|c| part(c).clone()))
    };
    view! {
        <dialog node_ref=dialog class="confirm-dialog" aria-labelledby=labelled_by
            aria-describedby=described_by on:close=closed>
            <h2 id=title_id>{move || text(|c| &c.title)}</h2>
            <p id=text_id>{move || text(|c| &c.text)}</p>
            <p class="buttons">
                <button type="button" class="secondary" on:click=move |_| answer(false)>{tr!(cancel)}</button>
                <button type="button" class="primary" on:click=move |_| answer(true)>{move || text(|c| &c.act)}</button>
            </p>
        </dialog>
    }
}

/// A text of the interface with `{name}`-style holes filled: `fill(tr!(…), &[("name", …)])`.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (hole, value)| {
            text.replace(&format!("{{{hole}}}"), value)
        })
}
