use api_types::ChangeRequest;
use leptos::prelude::*;

use crate::format;

/// What a proposal changes: each field's value when proposed and the proposed one, and its
/// note; "a note alone" when it changes no field.
#[component]
pub fn ProposalDiff(request: ChangeRequest) -> impl IntoView {
    let diff = (!request.diff.is_empty()).then(|| {
        view! {
            <table class="diff">
                <thead><tr>
                    <th scope="col">{tr!(field_other)}</th>
                    <th scope="col">{tr!(before)}</th>
                    <th scope="col">{tr!(proposed)}</th>
                </tr></thead>
                <tbody>
                    {request.diff.iter().map(|d| view! {
                        <tr>
                            <th scope="row">{format::field_label(&d.field)}</th>
                            <td>{format::value(&d.field, &d.before)}</td>
                            <td class="proposed">{format::value(&d.field, &d.proposed)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
    });
    let note_only = request
        .diff
        .is_empty()
        .then(|| view! { <p class="meta">{tr!(note_only)}</p> });
    view! {
        {diff}
        {note_only}
        {request.note.clone().map(|note| view! { <p class="journal-body">{tr!(note)} " : " {note}</p> })}
    }
}
