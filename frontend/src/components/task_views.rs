//! The tasks' lists and forms, in their own WASM chunk (see `components::tasks`): an
//! action's tasks, which their assignee ticks off and a manager adds in a batch; "Mes
//! tâches"; a plan's tasks, which the management assigns in a batch.

use api_types::{
    Assignee, AssigneeInput, NewTask, NewTasks, PlanDate, Task, TaskAssignment, TaskFilter,
    TaskPatch,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api::{self, ApiFailure};
use crate::components::confirm_dialog::{Confirm, ConfirmDialog, Confirmation, fill};
use crate::components::failure::Failure;
use crate::components::form_field::{FieldErrors, FormMessage, FormStatus, focus_later};
use crate::components::tasks::TaskArea;
use crate::format;
use crate::loader::loader;
use crate::session::SessionContext;

/// The id of the status line of the page's task area.
const STATUS: &str = "tasks-message";

pub fn area(area: TaskArea) -> AnyView {
    match area {
        TaskArea::Action { id, manager } => view! { <ActionTasks id manager/> }.into_any(),
        TaskArea::Mine => view! { <MyTasks/> }.into_any(),
        TaskArea::Plan { id } => view! { <PlanTasks id/> }.into_any(),
    }
}

fn token() -> String {
    SessionContext::get().token().unwrap_or_default()
}

fn is_manager() -> bool {
    SessionContext::get().state.with_untracked(|s| {
        s.as_ref().is_some_and(|s| {
            matches!(
                s.user.role,
                api_types::Role::President | api_types::Role::Dg
            )
        })
    })
}

/// Shows `text` in the area's status line, which takes the focus (the list it speaks of is
/// drawn anew, and the control that was used with it).
fn tell(message: FormMessage, saved: bool, text: String) {
    message.set(Some((saved, text)));
    focus_later(STATUS);
}

#[component]
fn ActionTasks(id: String, manager: bool) -> impl IntoView {
    let reload = RwSignal::new(0_u32);
    let message: FormMessage = RwSignal::new(None);
    let action = id.clone();
    let tasks = loader(move || {
        reload.track();
        let (id, token) = (action.clone(), token());
        Box::pin(async move { api::tasks::of_action(&token, &id).await })
    });
    let on_changed = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        <section class="card tasks" aria-labelledby="tasks-title">
            <h2 id="tasks-title">{tr!(tasks)}</h2>
            <FormStatus id=STATUS message/>
            {move || match tasks.get() {
                None => view! { <p aria-busy="true">{tr!(loading)}</p> }.into_any(),
                Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
                Some(Ok(list)) if list.tasks.is_empty() => view! { <p>{tr!(no_tasks)}</p> }.into_any(),
                Some(Ok(list)) => view! { <TaskItems tasks=list.tasks show_action=false message on_changed/> }.into_any(),
            }}
            {manager.then(|| view! { <NewTasksForm action=id.clone() message on_changed/> })}
        </section>
    }
}

#[component]
fn MyTasks() -> impl IntoView {
    let reload = RwSignal::new(0_u32);
    let with_done = RwSignal::new(false);
    let message: FormMessage = RwSignal::new(None);
    let tasks = loader(move || {
        reload.track();
        let which = if with_done.get() {
            TaskFilter::All
        } else {
            TaskFilter::Open
        };
        let token = token();
        Box::pin(async move { api::tasks::mine(&token, which).await })
    });
    let on_changed = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        <h1>{tr!(my_tasks)}</h1>
        <p class="hint">{tr!(my_tasks_intro)}</p>
        <div class="field checkbox">
            <input type="checkbox" id="tasks-with-done" prop:checked=with_done
                on:change=move |ev| with_done.set(event_target_checked(&ev))/>
            <label for="tasks-with-done">{tr!(tasks_show_done)}</label>
        </div>
        <FormStatus id=STATUS message/>
        {move || match tasks.get() {
            None => view! { <p aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(list)) if list.tasks.is_empty() => view! { <p class="notice">{tr!(no_tasks_mine)}</p> }.into_any(),
            Some(Ok(list)) => view! { <TaskItems tasks=list.tasks show_action=true message on_changed/> }.into_any(),
        }}
    }
}

/// Tasks as a list; each one its assignee (or a manager) may tick off, and the management
/// edits or deletes (one task's form open at a time).
#[component]
fn TaskItems(
    tasks: Vec<Task>,
    show_action: bool,
    message: FormMessage,
    on_changed: Callback<()>,
) -> impl IntoView {
    let manage = Manage {
        allowed: is_manager(),
        editing: RwSignal::new(None),
        confirm: Confirm::default(),
    };
    view! {
        <ul class="task-list">
            {tasks.into_iter().map(|task| view! { <TaskItem task show_action message on_changed manage/> }).collect_view()}
        </ul>
        {manage.allowed.then(|| view! { <ConfirmDialog confirm=manage.confirm/> })}
    }
}

/// What the management may do on a list's tasks.
#[derive(Clone, Copy)]
struct Manage {
    allowed: bool,
    /// The task whose form is open.
    editing: RwSignal<Option<Uuid>>,
    confirm: Confirm,
}

#[component]
fn TaskItem(
    task: Task,
    show_action: bool,
    message: FormMessage,
    on_changed: Callback<()>,
    manage: Manage,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let done = task.done_at.is_some();
    let checkbox = format!("task-{}", task.id);
    let title = task.title.clone();
    let toggle = {
        let task = task.clone();
        move |ev: leptos::ev::Event| {
            let chosen = event_target_checked(&ev);
            let (token, task) = (token(), task.clone());
            busy.set(true);
            spawn_local(async move {
                let result = api::tasks::set_done(&token, &task, chosen).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        let text = if chosen {
                            tr!(task_marked_done)
                        } else {
                            tr!(task_reopened)
                        };
                        tell(message, true, format!("{text} : {}", task.title));
                        on_changed.run(());
                    }
                    Err(failure) => tell(message, false, failure.message),
                }
            });
        }
    };
    let heading = if task.may_close {
        view! {
            <input type="checkbox" id=checkbox.clone() prop:checked=done prop:disabled=busy on:change=toggle/>
            <label for=checkbox>{title}</label>
        }
        .into_any()
    } else {
        view! { <span class="task-title">{title}</span> }.into_any()
    };
    let done_by = task.done_at.map(|at| {
        let by = task
            .done_by
            .as_ref()
            .map(|p| p.display_name.clone())
            .unwrap_or_default();
        view! { " · " {tr!(task_done_on)} " " {format::date(&at.date_naive().to_string())} " " {tr!(by)} " " {by} }
    });
    let assignee = assignee_name(&task);
    let tools = manage.allowed.then(|| {
        let id = task.id;
        let named = |template: &str| fill(template, &[("title", task.title.as_str())]);
        let (edit_label, delete_label) = (named(tr!(task_edit_act)), named(tr!(task_delete_act)));
        let asked = Confirmation {
            title: tr!(task_delete_title).to_owned(),
            text: named(tr!(task_delete_text)),
            act: delete_label.clone(),
            on_confirm: Callback::new({
                let task = task.clone();
                move |()| {
                    let (token, task) = (token(), task.clone());
                    spawn_local(async move {
                        match api::tasks::delete(&token, &task).await {
                            Ok(()) => {
                                tell(
                                    message,
                                    true,
                                    format!("{} : {}", tr!(task_deleted), task.title),
                                );
                                on_changed.run(());
                            }
                            Err(failure) => tell(message, false, failure.message),
                        }
                    });
                }
            }),
            on_cancel: None,
        };
        let open = move || manage.editing.with(|e| *e == Some(id));
        view! {
            <div class="task-tools">
                <button type="button" class="secondary" aria-expanded=move || open().to_string()
                    aria-label=edit_label
                    on:click=move |_| manage.editing.set(if open() { None } else { Some(id) })>
                    {tr!(edit)}
                </button>
                <button type="button" class="secondary" aria-label=delete_label
                    on:click=move |_| manage.confirm.ask(asked.clone())>
                    {tr!(delete)}
                </button>
            </div>
        }
    });
    let form = manage.allowed.then(|| {
        let id = task.id;
        let task = task.clone();
        move || {
            (manage.editing.with(|e| *e == Some(id)))
                .then(|| view! { <TaskEditForm task=task.clone() message on_changed editing=manage.editing/> })
        }
    });
    let action = show_action.then(|| {
        view! {
            <A href=format!("/actions/{}", task.action.id) attr:class="task-action">
                <span class="code">{task.action.code.clone()}</span> " " {task.action.title.clone()}
            </A>
        }
    });
    view! {
        <li class="task" class:done=done class:overdue=task.overdue>
            <div class="task-heading">{heading}</div>
            <p class="meta">
                {tr!(task_due)} " " {format::date(&task.due_on.to_string())}
                {task.overdue.then(|| view! { " " <span class="chip late">{tr!(late)}</span> })}
                " · " {assignee}
                {done_by}
            </p>
            {action}
            {tools}
            {form}
        </li>
    }
}

/// The value of the assignee select for `assignee`.
fn assignee_key(assignee: Option<&Assignee>) -> String {
    match assignee {
        Some(Assignee::User { id, .. }) => format!("user:{id}"),
        Some(Assignee::Organisation { id, .. }) => format!("organisation:{id}"),
        None => String::new(),
    }
}

/// The management's form on one task: its title, due date and assignee; only what changed
/// is sent, with the version read.
#[component]
fn TaskEditForm(
    task: Task,
    message: FormMessage,
    on_changed: Callback<()>,
    editing: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let title = RwSignal::new(task.title.clone());
    let due = RwSignal::new(task.due_on.to_string());
    let initial_assignee = assignee_key(task.assignee.as_ref());
    let assignee = RwSignal::new(initial_assignee.clone());
    let errors = FieldErrors::new();
    let busy = RwSignal::new(false);
    let task = StoredValue::new(task);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let before = task.get_value();
        let mut found = Vec::new();
        let typed = title.get_untracked().trim().to_owned();
        if typed.is_empty() {
            found.push(("titles".to_owned(), tr!(error_required).to_owned()));
        } else if typed.chars().count() > api_types::TASK_TITLE_MAX_CHARS {
            found.push(("titles".to_owned(), tr!(task_title_too_long).to_owned()));
        }
        let due_on = PlanDate::parse(due.get_untracked().trim());
        if due_on.is_err() {
            found.push(("due_on".to_owned(), tr!(error_invalid_date).to_owned()));
        }
        if !found.is_empty() {
            errors.set(found);
            tell(message, false, tr!(fix_fields).to_owned());
            return;
        }
        errors.set(Vec::new());
        let chosen = assignee.get_untracked();
        let patch = TaskPatch {
            version: before.version,
            title: (typed != before.title).then_some(typed),
            due_on: due_on.ok().filter(|d| d.get() != before.due_on),
            assignee: (chosen != initial_assignee).then(|| parse_assignee(&chosen)),
            done: None,
        };
        if patch.title.is_none() && patch.due_on.is_none() && patch.assignee.is_none() {
            editing.set(None);
            return;
        }
        let token = token();
        busy.set(true);
        spawn_local(async move {
            let result = api::tasks::update(&token, &before, &patch).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    editing.set(None);
                    tell(
                        message,
                        true,
                        format!("{} : {}", tr!(task_saved), saved.title),
                    );
                    on_changed.run(());
                }
                Err(failure) if failure.status == 409 => {
                    editing.set(None);
                    tell(message, false, tr!(task_changed_meanwhile).to_owned());
                    on_changed.run(());
                }
                Err(failure) => refused(failure, errors, message),
            }
        });
    };
    let id = task.with_value(|t| t.id);
    let field = move |name: &str| format!("task-{id}-{name}");
    view! {
        <form novalidate class="inline-form task-edit" on:submit=on_submit>
            <div class="field">
                <label for=field("title")>{tr!(task_title)}</label>
                <input type="text" id=field("title") prop:value=title
                    aria-describedby=field("title-error")
                    aria-invalid=move || errors.of("titles").with(Option::is_some).to_string()
                    on:input=move |ev| title.set(event_target_value(&ev))/>
                <p class="field-error" id=field("title-error") aria-live="polite">{move || errors.of("titles").get()}</p>
            </div>
            <div class="field">
                <label for=field("due")>{tr!(task_due)}</label>
                <input type="date" id=field("due") prop:value=due
                    aria-describedby=field("due-error")
                    aria-invalid=move || errors.of("due_on").with(Option::is_some).to_string()
                    on:input=move |ev| due.set(event_target_value(&ev))/>
                <p class="field-error" id=field("due-error") aria-live="polite">{move || errors.of("due_on").get()}</p>
            </div>
            <div class="field">
                <label for="task-edit-assignee">{tr!(task_assignee)}</label>
                <AssigneeSelect id="task-edit-assignee" value=assignee/>
                <p class="field-error" aria-live="polite">{move || errors.of("assignee").get()}</p>
            </div>
            <div class="buttons">
                <button type="submit" class="primary" prop:disabled=busy>{tr!(save)}</button>
                <button type="button" on:click=move |_| editing.set(None)>{tr!(cancel)}</button>
            </div>
        </form>
    }
}

fn assignee_name(task: &Task) -> String {
    task.assignee
        .as_ref()
        .map_or_else(|| tr!(task_unassigned).to_owned(), |a| a.name().to_owned())
}

/// `user:<id>` or `organisation:<id>` of the assignee select; empty: nobody.
fn parse_assignee(value: &str) -> Option<AssigneeInput> {
    let (kind, id) = value.split_once(':')?;
    Some(AssigneeInput {
        kind: kind.parse().ok()?,
        id: id.parse().ok()?,
    })
}

/// The options of an assignee select: nobody, the CPAS's organisations, its people.
#[component]
fn AssigneeSelect(id: &'static str, value: RwSignal<String>) -> impl IntoView {
    let choices = loader(move || {
        let token = token();
        Box::pin(async move { api::tasks::assignees(&token).await })
    });
    view! {
        <select id=id on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="" selected=move || value.with(String::is_empty)>{tr!(task_unassigned)}</option>
            {move || choices.get().and_then(Result::ok).map(|choices| view! {
                <optgroup label=tr!(organisations)>
                    {choices.organisations.into_iter().map(|o| {
                        let key = format!("organisation:{}", o.id);
                        view! { <option value=key.clone() selected=move || value.with(|v| *v == key)>{o.name}</option> }
                    }).collect_view()}
                </optgroup>
                <optgroup label=tr!(people)>
                    {choices.users.into_iter().map(|u| {
                        let key = format!("user:{}", u.id);
                        let name = match u.organisation {
                            Some(org) => format!("{} ({org})", u.display_name),
                            None => u.display_name,
                        };
                        view! { <option value=key.clone() selected=move || value.with(|v| *v == key)>{name}</option> }
                    }).collect_view()}
                </optgroup>
            })}
        </select>
    }
}

/// The manager's form: several tasks at once (a title per line), one due date, one
/// assignee.
#[component]
fn NewTasksForm(action: String, message: FormMessage, on_changed: Callback<()>) -> impl IntoView {
    let titles = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let errors = FieldErrors::new();
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let lines: Vec<String> = titles
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        let mut found = Vec::new();
        if lines.is_empty() {
            found.push(("titles".to_owned(), tr!(error_required).to_owned()));
        } else if lines.len() > api_types::TASKS_PER_BATCH_MAX {
            found.push(("titles".to_owned(), tr!(tasks_too_many).to_owned()));
        } else if lines
            .iter()
            .any(|l| l.chars().count() > api_types::TASK_TITLE_MAX_CHARS)
        {
            found.push(("titles".to_owned(), tr!(task_title_too_long).to_owned()));
        }
        let due_on = match PlanDate::parse(due.get_untracked().trim()) {
            Ok(date) => Some(date),
            Err(_) => {
                found.push(("due_on".to_owned(), tr!(error_invalid_date).to_owned()));
                None
            }
        };
        let (false, Some(due_on)) = (!found.is_empty(), due_on) else {
            errors.set(found);
            tell(message, false, tr!(fix_fields).to_owned());
            return;
        };
        errors.set(Vec::new());
        let Ok(action_id) = action.parse::<Uuid>() else {
            return;
        };
        let assignee = parse_assignee(&assignee.get_untracked());
        let batch = NewTasks {
            tasks: lines
                .into_iter()
                .map(|title| NewTask {
                    action_id,
                    title,
                    due_on,
                    assignee,
                })
                .collect(),
        };
        let token = token();
        busy.set(true);
        spawn_local(async move {
            let result = api::tasks::create(&token, &batch).await;
            busy.set(false);
            match result {
                Ok(created) => {
                    titles.set(String::new());
                    tell(
                        message,
                        true,
                        format!("{} : {}", tr!(tasks_added), created.tasks.len()),
                    );
                    on_changed.run(());
                }
                Err(failure) => refused(failure, errors, message),
            }
        });
    };
    view! {
        <form novalidate class="inline-form new-tasks" on:submit=on_submit>
            <h3>{tr!(add_tasks)}</h3>
            <div class="field">
                <label for="task-titles">{tr!(task_titles)}</label>
                <textarea id="task-titles" rows="3" prop:value=titles
                    aria-describedby="task-titles-hint task-titles-error"
                    aria-invalid=move || errors.of("titles").with(Option::is_some).to_string()
                    on:input=move |ev| titles.set(event_target_value(&ev))></textarea>
                <p class="hint" id="task-titles-hint">{tr!(task_titles_hint)}</p>
                <p class="field-error" id="task-titles-error" aria-live="polite">{move || errors.of("titles").get()}</p>
            </div>
            <div class="field">
                <label for="task-due">{tr!(task_due)}</label>
                <input type="date" id="task-due" prop:value=due
                    aria-describedby="task-due-error"
                    aria-invalid=move || errors.of("due_on").with(Option::is_some).to_string()
                    on:input=move |ev| due.set(event_target_value(&ev))/>
                <p class="field-error" id="task-due-error" aria-live="polite">{move || errors.of("due_on").get()}</p>
            </div>
            <div class="field">
                <label for="task-assignee">{tr!(task_assignee)}</label>
                <AssigneeSelect id="task-assignee" value=assignee/>
                <p class="field-error" aria-live="polite">{move || errors.of("assignee").get()}</p>
            </div>
            <button type="submit" class="primary" prop:disabled=busy>{tr!(add_tasks_button)}</button>
        </form>
    }
}

/// The server's refusal, under the fields it names (`tasks/3/due_on` is the due date's
/// field: the form sends one date for all).
fn refused(failure: ApiFailure, errors: FieldErrors, message: FormMessage) {
    let found: Vec<(String, String)> = failure
        .problem
        .iter()
        .flat_map(|p| &p.errors)
        .map(|e| {
            let field = match e.field.rsplit('/').next().unwrap_or_default() {
                "title" => "titles",
                other => other,
            };
            (field.to_owned(), crate::locale::field_error_message(e))
        })
        .collect();
    let text = if found.is_empty() {
        failure.message
    } else {
        tr!(fix_fields).to_owned()
    };
    errors.set(found);
    tell(message, false, text);
}

/// A plan's tasks, as a table; the management selects some and gives them to someone.
#[component]
fn PlanTasks(id: String) -> impl IntoView {
    let manager = is_manager();
    let reload = RwSignal::new(0_u32);
    let which = RwSignal::new(TaskFilter::Open);
    let message: FormMessage = RwSignal::new(None);
    let selected = RwSignal::new(Vec::<Uuid>::new());
    let assignee = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let plan = id.clone();
    let tasks = loader(move || {
        reload.track();
        let (plan, token, which) = (plan.clone(), token(), which.get());
        Box::pin(async move { api::tasks::of_plan(&token, &plan, which).await })
    });
    let assign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let task_ids = selected.get_untracked();
        if task_ids.is_empty() {
            tell(message, false, tr!(tasks_select_first).to_owned());
            return;
        }
        let assignment = TaskAssignment {
            task_ids,
            assignee: parse_assignee(&assignee.get_untracked()),
        };
        let token = token();
        busy.set(true);
        spawn_local(async move {
            let result = api::tasks::assign(&token, &assignment).await;
            busy.set(false);
            match result {
                Ok(list) => {
                    selected.set(Vec::new());
                    tell(
                        message,
                        true,
                        format!("{} : {}", tr!(tasks_assigned), list.tasks.len()),
                    );
                    reload.update(|n| *n += 1);
                }
                Err(failure) => tell(message, false, failure.message),
            }
        });
    };
    let filters = [
        (TaskFilter::Open, tr!(tasks_open)),
        (TaskFilter::Done, tr!(tasks_done)),
        (TaskFilter::All, tr!(tasks_all)),
    ];
    view! {
        <p><A href=format!("/plans/{id}")>{tr!(back_to_plan)}</A></p>
        <h1>{tr!(plan_tasks)}</h1>
        <div class="field">
            <label for="tasks-filter">{tr!(tasks_filter)}</label>
            <select id="tasks-filter" on:change=move |ev| {
                let chosen = event_target_value(&ev).parse().unwrap_or(TaskFilter::Open);
                selected.set(Vec::new());
                which.set(chosen);
            }>
                {filters.into_iter().map(|(value, label)| view! {
                    <option value=value.as_str() selected=move || which.get() == value>{label}</option>
                }).collect_view()}
            </select>
        </div>
        <FormStatus id=STATUS message/>
        {manager.then(|| view! {
            <form novalidate class="inline-form assign-tasks" on:submit=assign>
                <div class="field">
                    <label for="tasks-assign-to">{tr!(tasks_assign_to)}</label>
                    <AssigneeSelect id="tasks-assign-to" value=assignee/>
                </div>
                <button type="submit" class="primary" prop:disabled=busy>
                    {tr!(tasks_assign_button)} " (" {move || selected.with(Vec::len)} ")"
                </button>
            </form>
        })}
        {move || match tasks.get() {
            None => view! { <p aria-busy="true">{tr!(loading)}</p> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure/> }.into_any(),
            Some(Ok(list)) if list.tasks.is_empty() => view! { <p class="notice">{tr!(no_tasks)}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <div class="table-scroll">
                    <table class="plan-tasks">
                        <caption class="visually-hidden">{tr!(plan_tasks)}</caption>
                        <thead><tr>
                            {manager.then(|| view! { <th scope="col"><span class="visually-hidden">{tr!(tasks_selection)}</span></th> })}
                            <th scope="col">{tr!(task)}</th>
                            <th scope="col">{tr!(action)}</th>
                            <th scope="col">{tr!(task_due)}</th>
                            <th scope="col">{tr!(task_assignee)}</th>
                            <th scope="col">{tr!(field_status)}</th>
                        </tr></thead>
                        <tbody>
                            {list.tasks.into_iter().map(|task| {
                                let id = task.id;
                                let checkbox = format!("select-{id}");
                                let assignee = assignee_name(&task);
                                let (action_id, action_code) = (task.action.id, task.action.code.clone());
                                let state = if task.done_at.is_some() {
                                    tr!(task_state_done)
                                } else if task.overdue {
                                    tr!(late)
                                } else {
                                    tr!(task_state_open)
                                };
                                view! {
                                    <tr class:overdue=task.overdue>
                                        {manager.then(|| view! {
                                            <td>
                                                <input type="checkbox" id=checkbox.clone()
                                                    prop:checked=move || selected.with(|s| s.contains(&id))
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        selected.update(|s| {
                                                            s.retain(|x| *x != id);
                                                            if on { s.push(id); }
                                                        });
                                                    }/>
                                                <label for=checkbox class="visually-hidden">{tr!(tasks_select)} " " {task.title.clone()}</label>
                                            </td>
                                        })}
                                        <th scope="row">{task.title.clone()}</th>
                                        <td><A href=format!("/actions/{action_id}")><span class="code">{action_code}</span></A></td>
                                        <td>{format::date(&task.due_on.to_string())}</td>
                                        <td>{assignee}</td>
                                        <td>{state}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
}
