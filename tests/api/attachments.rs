//! Evidence files (issue 18.2): upload with rights, download with rights and safe headers,
//! the type read from the content (a renamed executable is 415), the size (413) and the
//! CPAS's quota (422 `quota_exceeded`), names made safe, another CPAS's file not found,
//! files with a proposal or a comment, and the action's history of added and removed files.

use api_types::{Attachment, AttachmentList, EvidenceKind, HistoryEntry};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tests::send_json as send;
use tests::{TestApp, spawn_app, spawn_app_with, test_settings};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";

async fn action(app: &TestApp, code: &str) -> uuid::Uuid {
    app.plan_of("cpas-a")
        .await
        .actions()
        .find(|a| a.code == code)
        .expect("the action")
        .id
}

/// Sends `content` as a file named `name` (with more of the query string in `query`).
async fn upload(
    app: &TestApp,
    token: &str,
    action: uuid::Uuid,
    query: &str,
    content: &[u8],
) -> (u16, Value) {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/actions/{action}/attachments?{query}")))
        .bearer_auth(token)
        .header("Content-Type", "application/octet-stream")
        .body(content.to_vec())
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn name_query(name: &str) -> String {
    format!("name={}", url_encode(name))
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The objects the server keeps in its file store.
fn stored_objects(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        count(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    count(std::path::Path::new(&app.file_store))
}

#[tokio::test]
async fn a_partner_attaches_evidence_that_the_cpas_reads_and_another_cpas_never_finds() {
    let app = spawn_app().await;
    let pe18 = action(&app, "Pe18").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let (status, body) = upload(
        &app,
        &pcs,
        pe18,
        &name_query("../../etc/Compte rendu: 3/12 <final>.pdf"),
        PDF,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let file: Attachment = serde_json::from_value(body).expect("an attachment");
    // Only the last path segment, with `_` for the characters file systems refuse.
    assert_eq!(file.name, "12 _final_.pdf");
    assert_eq!(file.media_type, "application/pdf");
    assert_eq!(file.kind, EvidenceKind::Pdf);
    assert_eq!(file.size_bytes, PDF.len() as i64);
    let digest: String = Sha256::digest(PDF)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(file.sha256, digest);
    assert_eq!(
        file.uploaded_by.organisation.as_deref(),
        Some("Commune (PCS)")
    );
    assert!(file.may_remove);
    assert_eq!(stored_objects(&app), 1);

    // Everyone of the CPAS lists and downloads it, with safe headers; DEFITS, which does
    // not carry Pe18, may not attach to it nor remove it.
    let defits = app.token("defits@cpas-a.example").await;
    let path = format!("/api/v1/actions/{pe18}/attachments");
    let list: AttachmentList = app.get_ok_as(&defits, &path).await;
    assert_eq!(list.attachments.len(), 1);
    assert!(!list.may_attach && !list.attachments[0].may_remove);
    assert_eq!(list.max_file_bytes, 20 * 1024 * 1024);
    assert_eq!(list.used_bytes, PDF.len() as u64);
    let content = format!("/api/v1/attachments/{}/content", file.id);
    let download = app.get_as(&defits, &content).await;
    assert_eq!(download.status(), 200);
    let header = |name: &str| {
        download
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("cache-control").contains("no-store"));
    let disposition = header("content-disposition");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''12%20_final_.pdf"),
        "{disposition}"
    );
    assert_eq!(download.bytes().await.expect("bytes").as_ref(), PDF);
    let (status, _) = upload(&app, &defits, pe18, "name=x.pdf", PDF).await;
    assert_eq!(status, 403);
    let (status, _) = send(
        &app,
        &defits,
        Method::DELETE,
        &format!("/api/v1/attachments/{}", file.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 403);

    // Another CPAS: nothing to list, download, remove or attach to.
    let other = app.token("dg@paliseul.example").await;
    assert_eq!(app.get_as(&other, &content).await.status(), 404);
    assert_eq!(app.get_as(&other, &path).await.status(), 404);
    let (status, _) = send(
        &app,
        &other,
        Method::DELETE,
        &format!("/api/v1/attachments/{}", file.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = upload(&app, &other, pe18, "name=x.pdf", PDF).await;
    assert_eq!(status, 404);
    // Nobody: 401.
    assert_eq!(app.get(&content).await.status(), 401);

    // The DG removes it: the history names it added by the PCS and removed by the DG, its
    // bytes are gone, and it is no longer listed or downloaded.
    let dg = app.token("dg@cpas-a.example").await;
    let (status, _) = send(
        &app,
        &dg,
        Method::DELETE,
        &format!("/api/v1/attachments/{}", file.id),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(stored_objects(&app), 0);
    assert_eq!(app.get_as(&pcs, &content).await.status(), 404);
    let list: AttachmentList = app.get_ok_as(&pcs, &path).await;
    assert!(list.attachments.is_empty() && list.used_bytes == 0 && list.may_attach);
    let history: Vec<HistoryEntry> = app
        .get_ok_as(&dg, &format!("/api/v1/actions/{pe18}/history"))
        .await;
    let events: Vec<(String, Value, Value)> = history
        .iter()
        .flat_map(|h| {
            h.changes
                .iter()
                .filter(|c| c.field == "attachment")
                .map(|c| {
                    (
                        h.applied_by.display_name.clone(),
                        c.before.clone(),
                        c.after.clone(),
                    )
                })
        })
        .collect();
    let dg_name = history
        .last()
        .expect("a row")
        .applied_by
        .display_name
        .clone();
    assert_eq!(events.len(), 2, "{history:?}");
    assert_eq!(events[0].1, Value::Null);
    assert_eq!(events[0].2, json!("12 _final_.pdf"));
    assert_ne!(events[0].0, dg_name);
    assert_eq!(
        (
            events[1].0.clone(),
            events[1].1.clone(),
            events[1].2.clone()
        ),
        (dg_name, json!("12 _final_.pdf"), Value::Null)
    );
}

#[tokio::test]
async fn the_content_decides_the_type_and_a_refused_file_leaves_nothing() {
    let app = spawn_app().await;
    let pe18 = action(&app, "Pe18").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    // An executable renamed `.pdf`, an executable, a PNG named `.pdf`, HTML named `.txt`.
    for (name, content) in [
        ("rapport.pdf", ELF),
        ("outil.exe", ELF),
        ("photo.pdf", PNG),
        (
            "page.txt",
            b"<html><script>alert(1)</script></html>".as_slice(),
        ),
    ] {
        let (status, body) = upload(&app, &pcs, pe18, &name_query(name), content).await;
        assert_eq!(status, 415, "{name}: {body}");
        assert_eq!(body["code"], "unsupported_file_type", "{name}");
    }
    // An empty file, a name that is only dots and slashes: 422.
    let (status, body) = upload(&app, &pcs, pe18, "name=vide.pdf", b"").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("validation_failed"))
    );
    let (status, body) = upload(&app, &pcs, pe18, &name_query("../.."), PDF).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "name");
    assert_eq!(stored_objects(&app), 0);

    // What the allowlist holds: an image, a CSV; a name without extension takes the
    // content's.
    let (status, body) = upload(&app, &pcs, pe18, "name=photo.PNG", PNG).await;
    assert_eq!(
        (status, body["kind"].as_str()),
        (201, Some("image")),
        "{body}"
    );
    let (status, body) = upload(
        &app,
        &pcs,
        pe18,
        &name_query("présences.csv"),
        "nom;présent\nDupont;oui\n".as_bytes(),
    )
    .await;
    assert_eq!(
        (status, body["media_type"].as_str()),
        (201, Some("text/csv")),
        "{body}"
    );
    let (status, body) = upload(&app, &pcs, pe18, "name=scan", PDF).await;
    assert_eq!(
        (status, body["name"].as_str()),
        (201, Some("scan.pdf")),
        "{body}"
    );
    assert_eq!(stored_objects(&app), 3);
}

#[tokio::test]
async fn the_size_limit_and_the_cpas_quota_are_kept() {
    let mut settings = test_settings(tests::fresh_database());
    settings.settings.file_max_mb = 1;
    settings.settings.file_quota_mb = 2;
    let app = spawn_app_with(settings).await;
    let pe18 = action(&app, "Pe18").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let sized = |bytes: usize| {
        let mut content = PDF.to_vec();
        content.resize(bytes, b' ');
        content
    };
    let mib = 1 << 20;
    let (status, body) = upload(&app, &pcs, pe18, "name=gros.pdf", &sized(mib + 1)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("file_too_large")),
        "{body}"
    );
    let mut kept = Vec::new();
    for n in 0..2 {
        let (status, body) = upload(
            &app,
            &pcs,
            pe18,
            &format!("name=part{n}.pdf"),
            &sized(mib * 9 / 10),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        kept.push(body["id"].as_str().expect("id").to_owned());
    }
    let (status, body) = upload(&app, &pcs, pe18, "name=encore.pdf", &sized(mib * 3 / 10)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("quota_exceeded")),
        "{body}"
    );
    assert_eq!(stored_objects(&app), 2);
    // A removed file frees its room.
    let (status, _) = send(
        &app,
        &pcs,
        Method::DELETE,
        &format!("/api/v1/attachments/{}", kept[0]),
        Value::Null,
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = upload(&app, &pcs, pe18, "name=encore.pdf", &sized(mib * 3 / 10)).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn files_go_with_one_s_own_pending_proposal_or_shown_comment() {
    let app = spawn_app().await;
    let pe18 = action(&app, "Pe18").await;
    let pe17 = action(&app, "Pe17").await;
    let pcs = app.token("pcs@cpas-a.example").await;
    let dg = app.token("dg@cpas-a.example").await;
    let version = app
        .plan_of("cpas-a")
        .await
        .actions()
        .find(|a| a.code == "Pe18")
        .expect("Pe18")
        .version;
    let (status, proposal) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/change-requests"),
        json!({ "base_version": version, "changes": { "progress": 40 }, "note": "Feuille de présence jointe" }),
    )
    .await;
    assert_eq!(status, 201, "{proposal}");
    let proposal = proposal["id"].as_str().expect("id").to_owned();
    let (status, body) = upload(
        &app,
        &pcs,
        pe18,
        &format!("name=presences.pdf&change_request_id={proposal}"),
        PDF,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["change_request_id"], json!(proposal));
    // Not on another action's proposal, not on someone else's.
    let (status, body) = upload(
        &app,
        &pcs,
        pe17,
        &format!("name=x.pdf&change_request_id={proposal}"),
        PDF,
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (422, Some("change_request_id")),
        "{body}"
    );
    let (status, _) = upload(
        &app,
        &dg,
        pe18,
        &format!("name=x.pdf&change_request_id={proposal}"),
        PDF,
    )
    .await;
    assert_eq!(status, 403);
    // Decided: no more files with it.
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/change-requests/{proposal}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = upload(
        &app,
        &pcs,
        pe18,
        &format!("name=x.pdf&change_request_id={proposal}"),
        PDF,
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("already_decided"))
    );

    // With a comment: listed while the comment is shown.
    let (status, comment) = send(
        &app,
        &pcs,
        Method::POST,
        &format!("/api/v1/actions/{pe18}/comments"),
        json!({ "body": "La photo de l'atelier" }),
    )
    .await;
    assert_eq!(status, 201);
    let comment = comment["id"].as_str().expect("id").to_owned();
    let (status, photo) = upload(
        &app,
        &pcs,
        pe18,
        &format!("name=atelier.png&comment_id={comment}"),
        PNG,
    )
    .await;
    assert_eq!(status, 201, "{photo}");
    let (status, body) = upload(
        &app,
        &pcs,
        pe18,
        &format!("name=x.pdf&comment_id={comment}&change_request_id={proposal}"),
        PDF,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let path = format!("/api/v1/actions/{pe18}/attachments");
    let list: AttachmentList = app.get_ok_as(&dg, &path).await;
    assert_eq!(list.attachments.len(), 2);
    let (status, _) = send(
        &app,
        &dg,
        Method::POST,
        &format!("/api/v1/comments/{comment}/hide"),
        json!({ "reason": "Photo d'une personne sans son accord" }),
    )
    .await;
    assert_eq!(status, 200);
    let list: AttachmentList = app.get_ok_as(&dg, &path).await;
    assert_eq!(list.attachments.len(), 1);
    let hidden = format!(
        "/api/v1/attachments/{}/content",
        photo["id"].as_str().expect("id")
    );
    assert_eq!(app.get_as(&dg, &hidden).await.status(), 404);
}
