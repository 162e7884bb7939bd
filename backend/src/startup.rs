//! Building and running the HTTP server.

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::error::JsonPayloadError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use api_types::ProblemCode;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_actix_web::AppExt;

use crate::configuration::Settings;
use crate::db::{self, Db, QueryStats};
use crate::error::ApiError;
use crate::{app, openapi, routes};

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    db: Db,
    jobs: crate::jobs::JobSettings,
}

impl Application {
    /// Migrates the database, loads the demo data when asked, and binds the listener.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        let pool = db::build_pool(&settings.database_url, &settings.pool_options());
        {
            let mut conn = pool
                .get()
                .map_err(|e| anyhow::anyhow!("cannot reach the database: {e}"))?;
            let applied = db::run_migrations(&mut conn)?;
            if !applied.is_empty() {
                tracing::info!(?applied, "migrations applied");
            }
            seal_stored_secrets(&mut conn, &settings.keyring())?;
            if settings.demo {
                let report = app::demo::load_plans(&mut conn)?;
                let accounts = app::demo::load_accounts(&mut conn, &settings.demo_password)?;
                tracing::info!(
                    created = report.plans_created,
                    present = report.plans_already_present,
                    accounts_created = accounts,
                    "demo plans and accounts loaded"
                );
            }
        }
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let db = Db::new(pool);
        let server = serve(listener, db.clone(), settings)?;
        Ok(Self {
            port,
            server,
            db,
            jobs: settings.job_settings(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs until the server is stopped. SIGTERM or SIGINT: the listener closes, requests in
    /// flight finish (up to `PST_SHUTDOWN_TIMEOUT_SECS`), then the background workers
    /// (reminders, e-mail, webhooks) finish the item in hand and stop, so nothing queued is
    /// lost or held.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let workers = crate::jobs::start(app::RequestDb::outside_request(self.db), self.jobs);
        let served = self.server.await;
        tracing::info!("HTTP server stopped; stopping the background workers");
        workers.shutdown().await;
        served
    }
}

/// Seals what is still stored in clear and re-seals under the current key what a previous
/// key sealed (the key rotation: see the README). Secrets no key of this instance opens are
/// reported, not fatal: their endpoints' deliveries fail, visibly in the delivery log, until
/// the key is given back or the secret rotated.
fn seal_stored_secrets(
    conn: &mut diesel::PgConnection,
    keyring: &crate::secrets::Keyring,
) -> anyhow::Result<()> {
    let webhooks = app::integrations::seal_stored_secrets(conn, keyring)
        .map_err(|e| anyhow::anyhow!("sealing the webhook secrets: {e:?}"))?;
    let answers = crate::idempotency::seal_stored_answers(conn, keyring)
        .map_err(|e| anyhow::anyhow!("sealing the idempotent answers: {e:?}"))?;
    let authenticators = app::second_factor::reseal_secrets(conn, keyring)
        .map_err(|e| anyhow::anyhow!("re-sealing the authenticator secrets: {e:?}"))?;
    let client_secrets = app::single_sign_on::reseal_secrets(conn, keyring)
        .map_err(|e| anyhow::anyhow!("re-sealing the identity providers' client secrets: {e:?}"))?;
    if webhooks.sealed + webhooks.resealed + answers + authenticators + client_secrets > 0 {
        tracing::info!(
            key = keyring.current_key_id(),
            webhook_secrets_sealed = webhooks.sealed,
            webhook_secrets_resealed = webhooks.resealed,
            idempotent_answers_sealed = answers,
            authenticator_secrets_resealed = authenticators,
            client_secrets_resealed = client_secrets,
            "stored secrets sealed under the current key"
        );
    }
    for (key, count) in &webhooks.unknown_keys {
        tracing::error!(
            key,
            count,
            "webhook secrets are sealed with a key this instance does not have: put it back \
             in PST_SECRETS_PREVIOUS_KEYS, or rotate those endpoints' secrets"
        );
    }
    Ok(())
}

fn serve(listener: TcpListener, db: Db, settings: &Settings) -> anyhow::Result<Server> {
    let db = web::Data::new(db);
    let secret = web::Data::new(settings.jwt_secret.clone());
    let keyring = web::Data::new(settings.keyring());
    let login = web::Data::new(settings.login_settings());
    let webhooks = web::Data::new(crate::configuration::WebhookSettings {
        allow_loopback_http: settings.webhook_allow_loopback_http,
    });
    let token_limit = web::Data::new(app::TokenRateLimit(settings.token_rate_limit));
    // One client (and one cache of providers' keys) for all the workers of the instance.
    let oidc = web::Data::new(crate::auth::oidc::OidcClients::new(
        &settings.public_url,
        settings.oidc_allow_loopback_http,
    )?);
    // One set of import slots for all the workers of the instance.
    let import_slots = web::Data::new(routes::interchange::ImportSlots::new(
        settings.import_concurrency,
    ));
    // One cache for all the workers of the instance.
    let plan_trees = web::Data::new(crate::cache::PlanTreeCache::new(
        settings.plan_cache_mb.saturating_mul(1 << 20),
    ));
    // Read once for all the workers; absent or unbuilt, the paths outside `/api` say so.
    let web_app = match &settings.static_dir {
        Some(dir) => crate::web_app::WebApp::load(dir)
            .map_err(|e| anyhow::anyhow!("cannot read PST_STATIC_DIR {}: {e}", dir.display()))?
            .map(web::Data::new),
        None => None,
    };
    let evidence_files = web::Data::new(app::attachments::EvidenceFiles {
        store: crate::file_store::FileStore::open(&settings.file_store).map_err(|e| {
            anyhow::anyhow!("cannot open PST_FILE_STORE {}: {e}", settings.file_store)
        })?,
        limits: settings.file_limits(),
    });
    let cors_origins = settings.cors_origins.clone();
    let ceiling = match &settings.bench_ceiling_file {
        Some(path) => Some(web::Bytes::from(std::fs::read(path).map_err(|e| {
            anyhow::anyhow!("cannot read PST_BENCH_CEILING_FILE {}: {e}", path.display())
        })?)),
        None => None,
    };
    let mut server = HttpServer::new(move || {
        let (app, document) = App::new()
            .into_utoipa_app()
            .openapi(openapi::base())
            .map(|app| {
                app.wrap(from_fn(crate::idempotency::idempotency))
                    .wrap(from_fn(request_context))
                    .wrap(from_fn(request_checks))
                    .wrap(cors(&cors_origins))
                    .wrap(Compress::default())
                    .wrap(security_headers())
                    .wrap(TracingLogger::default())
                    .app_data(db.clone())
                    .app_data(secret.clone())
                    .app_data(keyring.clone())
                    .app_data(login.clone())
                    .app_data(webhooks.clone())
                    .app_data(token_limit.clone())
                    .app_data(oidc.clone())
                    .app_data(import_slots.clone())
                    .app_data(plan_trees.clone())
                    .app_data(evidence_files.clone())
                    .app_data(web::PathConfig::default().error_handler(routes::path_error))
                    .app_data(web::QueryConfig::default().error_handler(|err, _| {
                        ApiError::bad_request(ProblemCode::InvalidQuery, err.to_string()).into()
                    }))
                    // Raw bodies are imported files (read within the import's own limits).
                    .app_data(web::PayloadConfig::new(
                        crate::interchange::limits::MAX_FILE_BYTES,
                    ))
                    .app_data(web::JsonConfig::default().limit(JSON_LIMIT).error_handler(
                        |err, _| {
                            match err {
                                JsonPayloadError::Overflow { .. }
                                | JsonPayloadError::OverflowKnownLength { .. } => {
                                    ApiError::PayloadTooLarge { limit: JSON_LIMIT }.into()
                                }
                                other => ApiError::bad_request(
                                    ProblemCode::InvalidJson,
                                    other.to_string(),
                                )
                                .into(),
                            }
                        },
                    ))
            })
            .configure(routes::configure)
            .split_for_parts();
        let mut document = document;
        openapi::finish(&mut document);
        // The documented routes outside `/api` (probes, the public page) answer other
        // methods with 405 and `Allow`, as the API does, rather than falling to the web app.
        let root_routes: Vec<String> = document
            .paths
            .paths
            .keys()
            .filter(|path| !path.starts_with("/api/"))
            .cloned()
            .collect();
        let document = web::Data::new(document);
        let app = app
            .service(web::resource(root_routes).to(routes::no_route))
            .app_data(document)
            .route("/api/openapi.json", web::get().to(serve_openapi))
            .configure(|cfg| {
                if let Some(bytes) = ceiling.clone() {
                    cfg.route(
                        "/api/bench/ceiling",
                        web::get().to(move || serve_ceiling(bytes.clone())),
                    );
                }
            })
            // Interactive docs, served from the crate's vendored Swagger UI: no CDN.
            .service(
                utoipa_swagger_ui::SwaggerUi::new("/api/docs/{_:.*}").config(
                    utoipa_swagger_ui::Config::from("/api/openapi.json")
                        .persist_authorization(true)
                        .try_it_out_enabled(true),
                ),
            )
            // The docs' address as people type it: to the page itself (its relative links
            // need the final slash).
            .route(
                "/api/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header((header::LOCATION, "/api/docs/"))
                        .finish()
                }),
            )
            .service(web::scope("/api").default_service(web::to(routes::no_route)));
        with_web_app(app, web_app.clone())
    })
    // Answers go out as soon as written: with Nagle's algorithm, a response written in two
    // parts (head, then body) waited for the client's delayed ACK, ~40 ms per static file
    // on a kept-alive connection.
    .tcp_nodelay(true)
    .shutdown_timeout(settings.shutdown_timeout_secs)
    .listen(listener)?;
    if let Some(workers) = settings.workers {
        server = server.workers(workers.max(1));
    }
    Ok(server.run())
}

/// The SPA: its files, and `index.html` for every other path so client routes deep-link.
fn with_web_app<T, B>(app: App<T>, web_app: Option<web::Data<crate::web_app::WebApp>>) -> App<T>
where
    B: MessageBody,
    T: actix_web::dev::ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        >,
{
    match web_app {
        Some(files) => app
            .app_data(files)
            .default_service(web::to(crate::web_app::serve)),
        None => app.default_service(web::to(|| async {
            HttpResponse::NotFound()
                .content_type("text/plain; charset=utf-8")
                .body("The web app is not built: run `cargo xtask run`.\n")
        })),
    }
}

async fn serve_openapi(document: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(document.get_ref())
}

/// The benchmark's ceiling (`PST_BENCH_CEILING_FILE`): the same middleware as every API
/// answer, but the body comes from memory; outside the OpenAPI document on purpose.
async fn serve_ceiling(bytes: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(bytes)
}

/// Largest JSON body accepted (413 beyond).
const JSON_LIMIT: usize = 1 << 20;

/// What browsers may do with our pages: only our own scripts (and WebAssembly), styles and
/// data; no framing, no plug-ins, no foreign form targets.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
     font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
}

/// Cross-origin requests from the configured origins only (`PST_CORS_ORIGINS`); none when
/// it is empty, which is the default: the web app is served from the API's own origin.
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LINK,
            header::LOCATION,
            header::RETRY_AFTER,
        ])
        .max_age(3600);
    for origin in origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// The longest query string read (bytes). Every list's filters fit in a few hundred; a
/// longer one is a mistake or an attack on the answer's `Link` header.
pub const MAX_QUERY_BYTES: usize = 2048;

/// Checks of the request line that no handler should have to repeat: a bounded query
/// string (414), no control character in the decoded path or query (400, a NUL would
/// reach PostgreSQL as an error), no `.`/`..` path segment (400: dot segments have no
/// meaning in this API and would otherwise reach the static files as a plain-text 400).
async fn request_checks(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let refusal = request_line_problem(req.uri().path(), req.query_string());
    match refusal {
        Some(error) => Ok(req.error_response(error).map_into_right_body()),
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
    }
}

/// What is wrong with a request line's path and query string, if anything.
pub fn request_line_problem(path: &str, query: &str) -> Option<ApiError> {
    use crate::domain::text::has_control_character;
    if query.len() > MAX_QUERY_BYTES {
        return Some(ApiError::UriTooLong {
            limit: MAX_QUERY_BYTES,
        });
    }
    let decoded = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8_lossy()
            .into_owned()
    };
    let segments: Vec<String> = path.split('/').map(decoded).collect();
    if segments
        .iter()
        .any(|segment| segment == "." || segment == "..")
    {
        return Some(ApiError::bad_request(
            ProblemCode::InvalidPath,
            "the path holds a `.` or `..` segment",
        ));
    }
    // A control character is a field that breaks a rule (422, like a body's), not a
    // request that does not parse.
    if segments
        .iter()
        .any(|segment| has_control_character(segment))
    {
        return Some(ApiError::invalid_field(
            "path",
            ProblemCode::ControlCharacters,
            "no control characters in the path",
        ));
    }
    if let Some((name, _)) = url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, value)| has_control_character(name) || has_control_character(value))
    {
        return Some(ApiError::invalid_field(
            name.into_owned(),
            ProblemCode::ControlCharacters,
            "no control characters in a query parameter",
        ));
    }
    None
}

/// Per-request context: names the request (`X-Request-Id`, the id in the logs) and reports
/// its database work (`Server-Timing: db;dur=1.2;desc="4 queries"`).
async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let stats = QueryStats::default();
    req.extensions_mut().insert(stats.clone());
    let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
    let mut response = next.call(req).await?;

    let headers = response.headers_mut();
    if let Some(value) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(header::HeaderName::from_static("x-request-id"), value);
    }
    let queries = stats.queries();
    let auth = stats.authentication_queries();
    if queries + auth > 0 {
        let mut timing = format!("db;dur={:.3};desc=\"{queries} queries\"", stats.millis());
        if auth > 0 {
            timing.push_str(&format!(", auth;desc=\"{auth} queries\""));
        }
        if let Ok(value) = HeaderValue::from_str(&timing) {
            headers.insert(header::HeaderName::from_static("server-timing"), value);
        }
    }
    Ok(response)
}

/// The request's database, for the handlers: the pool, the request's statement counters
/// (set by the `Server-Timing` middleware) and the API tokens' rate limit. Built here, at
/// the composition root, so that routes never name the data access layer.
impl actix_web::FromRequest for app::RequestDb {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let db = req
            .app_data::<web::Data<Db>>()
            .map(|db| db.get_ref().clone());
        let stats = req
            .extensions()
            .get::<QueryStats>()
            .cloned()
            .unwrap_or_default();
        let token_rate_limit = req
            .app_data::<web::Data<app::TokenRateLimit>>()
            .map_or_else(app::TokenRateLimit::default, |l| *l.get_ref());
        std::future::ready(
            db.map(|db| Self::new(db, stats, token_rate_limit))
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no database configured"))),
        )
    }
}
