//! "Mon compte" → notifications: for each topic, e-mail at once, a daily or weekly digest,
//! or the app only; and the language of the e-mails. The page an e-mail's unsubscribe link
//! opens, which works without a session, is here too.

use api_types::{
    Language, NotificationDelivery, NotificationPreferences, NotificationTopic, TopicPreference,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::preferences as api;
use crate::components::confirm_dialog::fill;
use crate::components::failure::explain;
use crate::components::form_field::{FormStatus, focus_later};
use crate::loader::loader;
use crate::session::SessionContext;

/// A topic as the person reads it.
pub fn topic_label(topic: NotificationTopic) -> &'static str {
    match topic {
        NotificationTopic::Proposals => tr!(topic_proposals),
        NotificationTopic::Decisions => tr!(topic_decisions),
        NotificationTopic::Mentions => tr!(topic_mentions),
        NotificationTopic::Comments => tr!(topic_comments),
        NotificationTopic::Tasks => tr!(topic_tasks),
        NotificationTopic::Periods => tr!(topic_periods),
        NotificationTopic::StaleActions => tr!(topic_stale_actions),
    }
}

fn delivery_label(delivery: NotificationDelivery) -> &'static str {
    match delivery {
        NotificationDelivery::Immediately => tr!(delivery_immediately),
        NotificationDelivery::Daily => tr!(delivery_daily),
        NotificationDelivery::Weekly => tr!(delivery_weekly),
        NotificationDelivery::InApp => tr!(delivery_in_app),
    }
}

fn language_label(language: Language) -> &'static str {
    match language {
        Language::Fr => "Français",
        Language::Nl => "Nederlands",
        Language::En => "English",
    }
}

#[component]
pub fn NotificationChoices() -> impl IntoView {
    let session = SessionContext::get();
    let language = RwSignal::new(Language::Fr);
    let choices: Vec<(NotificationTopic, RwSignal<NotificationDelivery>)> = NotificationTopic::ALL
        .iter()
        .map(|&topic| (topic, RwSignal::new(NotificationDelivery::Immediately)))
        .collect();
    let choices = StoredValue::new(choices);
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let fill_in = move |stored: NotificationPreferences| {
        language.set(stored.language);
        choices.with_value(|choices| {
            for (topic, delivery) in choices {
                if let Some(chosen) = stored.topics.iter().find(|c| c.topic == *topic) {
                    delivery.set(chosen.delivery);
                }
            }
        });
    };
    let current = loader(move || {
        let token = session.token().unwrap_or_default();
        Box::pin(async move { api::my_preferences(&token).await })
    });
    // The choices open once the stored ones are in them (a late answer would undo a change).
    let loaded = RwSignal::new(false);
    Effect::new(move |_| match current.get() {
        Some(Ok(stored)) => {
            fill_in(stored);
            loaded.set(true);
        }
        Some(Err(failure)) => message.set(Some((false, explain(&failure)))),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let preferences = NotificationPreferences {
            language: language.get_untracked(),
            topics: choices.with_value(|choices| {
                choices
                    .iter()
                    .map(|(topic, delivery)| TopicPreference {
                        topic: *topic,
                        delivery: delivery.get_untracked(),
                    })
                    .collect()
            }),
        };
        busy.set(true);
        let token = session.token().unwrap_or_default();
        spawn_local(async move {
            let result = api::set_my_preferences(&token, &preferences).await;
            busy.set(false);
            match result {
                Ok(stored) => {
                    fill_in(stored);
                    message.set(Some((true, tr!(notification_choices_saved).to_owned())));
                }
                Err(failure) => message.set(Some((false, explain(&failure)))),
            }
            focus_later("notification-choices-message");
        });
    };
    let topic_field =
        move |(topic, delivery): (NotificationTopic, RwSignal<NotificationDelivery>)| {
            let id = format!("notify-{}", topic.as_str());
            view! {
                <div class="field">
                    <label for=id.clone()>{topic_label(topic)}</label>
                    <select id=id prop:value=move || delivery.get().as_str()
                        on:change=move |ev| {
                            if let Ok(chosen) = event_target_value(&ev).parse() {
                                delivery.set(chosen);
                            }
                        }>
                        {NotificationDelivery::ALL.iter().map(|&d| view! {
                            <option value=d.as_str()>{delivery_label(d)}</option>
                        }).collect_view()}
                    </select>
                </div>
            }
        };
    view! {
        <section id="notifications" aria-labelledby="notification-choices-title">
            <h2 id="notification-choices-title">{tr!(notification_choices_title)}</h2>
            <form class="card account-form" novalidate on:submit=submit>
                <p class="hint">{tr!(notification_choices_help)}</p>
                <fieldset class="bare" prop:disabled=move || !loaded.get()>
                    <div class="field">
                        <label for="notify-language">{tr!(email_language)}</label>
                        <select id="notify-language" prop:value=move || language.get().as_str()
                            on:change=move |ev| {
                                if let Ok(chosen) = event_target_value(&ev).parse() {
                                    language.set(chosen);
                                }
                            }>
                            {Language::ALL.iter().map(|&l| view! {
                                <option value=l.as_str()>{language_label(l)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    {choices.get_value().into_iter().map(topic_field).collect_view()}
                    <button type="submit" class="primary" prop:disabled=busy>
                        {tr!(notification_choices_submit)}
                    </button>
                </fieldset>
                <FormStatus id="notification-choices-message" message/>
            </form>
        </section>
    }
}

/// The page of an e-mail's unsubscribe link: says what the link stops, for which address,
/// and stops it on confirmation (opening the link alone changes nothing: mail scanners
/// open links).
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with_untracked(|p| p.get("jeton").unwrap_or_default());
    let link = loader(move || {
        let token = token();
        Box::pin(async move { api::unsubscribe_link(&token).await })
    });
    let message = RwSignal::new(None::<(bool, String)>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let token = token();
        spawn_local(async move {
            let result = api::unsubscribe(&token).await;
            busy.set(false);
            match result {
                Ok(link) => {
                    done.set(true);
                    message.set(Some((
                        true,
                        fill(tr!(unsubscribed), &[("topic", topic_label(link.topic))]),
                    )));
                }
                Err(failure) => message.set(Some((false, explain(&failure)))),
            }
            focus_later("unsubscribe-message");
        });
    };
    view! {
        <h1>{tr!(unsubscribe_title)}</h1>
        {move || match link.get() {
            None => view! { <p class="notice" aria-busy="true">{tr!(loading)}</p> }.into_any(),
            // A forged, cut or altered link: the reason, and where choices are made.
            Some(Err(failure)) => view! {
                <p class="notice error unsubscribe-refused" role="alert">{failure.message}</p>
                <p><a href="/mon-compte#notifications">{tr!(unsubscribe_choices)}</a></p>
            }.into_any(),
            Some(Ok(link)) if link.used => view! {
                <p class="notice">{tr!(problem_unsubscribe_link_used)}</p>
                <p><a href="/mon-compte#notifications">{tr!(unsubscribe_choices)}</a></p>
            }.into_any(),
            Some(Ok(link)) => {
                let text = fill(
                    tr!(unsubscribe_text),
                    &[("topic", topic_label(link.topic)), ("email", link.email_hint.as_str())],
                );
                view! {
                    <div class="card account-form">
                        <p>{text}</p>
                        <p class="hint">{tr!(unsubscribe_inbox_stays)}</p>
                        <button type="button" class="primary" prop:disabled=move || busy.get() || done.get()
                            on:click=confirm>
                            {tr!(unsubscribe_confirm)}
                        </button>
                        <FormStatus id="unsubscribe-message" message/>
                        <p><a href="/mon-compte#notifications">{tr!(unsubscribe_choices)}</a></p>
                    </div>
                }.into_any()
            }
        }}
    }
}
