//! The web adapter (`[web]`): read-only pages of the network for a
//! browser — the network, a group, the meetings (`/reunions`), a meeting,
//! its compte rendu (`/reunions/<id>/compte-rendu`, and as `.odt`, `.pdf`
//! and `.md` downloads), the catalogue, a poll — the
//! calendar feeds (`/calendrier.ics`, `/groupes/<slug>/calendrier.ics`)
//! and `/healthz`. axum serves them; [`pages`] writes the HTML with maud
//! (every text escaped by construction), [`ics`] the iCalendar feeds.
//!
//! It reads through its own connection to the database (an [`Inbox`] of
//! its own), so that pages never wait for the bot's writes nor hold them
//! up; nothing here changes state: GET only, no form. A page is made once
//! and served again until the database changes (SQLite's `data_version`:
//! another connection committed) or a minute passes (what is "upcoming"
//! moves with the clock).

mod health;
mod ics;
mod online;
mod pages;
mod settings;

#[cfg(test)]
pub use health::judge;
pub use settings::Settings;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use greffier_commands::Context;

use crate::app::App;
use crate::config;
use crate::inbox::Inbox;
use crate::plugin::Plugin;

/// What the pages share.
pub struct Web {
    pub app: Arc<App>,
    /// Its own connection, for reading.
    pub inbox: Arc<Inbox>,
    cache: Mutex<Cache>,
}

/// Pages made since the database last changed.
#[derive(Default)]
struct Cache {
    version: Option<i64>,
    bytes: usize,
    pages: HashMap<String, Made>,
}

struct Made {
    at: Instant,
    status: StatusCode,
    content_type: &'static str,
    body: String,
}

/// How long a page is served again when nothing changed.
const FRESH: Duration = Duration::from_secs(60);
/// What the cache may hold before it starts again.
const CACHE_BYTES: usize = 32 << 20;

const HTML: &str = "text/html; charset=utf-8";
const ICS: &str = "text/calendar; charset=utf-8";

/// What a page needs besides the data.
#[derive(Clone)]
pub struct Options {
    /// Show people's names (`web.show_names`); organisations otherwise.
    pub show_names: bool,
}

/// The web pages as a channel: they take no command and deliver nothing;
/// they read on a connection of their own.
pub const PLUGIN: Plugin = Plugin {
    name: "web",
    section: Some(config::reader::<Settings>()),
    serve: Some(|app, inbox| Box::pin(serve(Arc::new(Web::new(app, inbox))))),
    takes_commands: false,
    route: None,
    own_connection: true,
    health: Some(health::said),
    online: Some(online::checks),
};

pub async fn serve(web: Arc<Web>) -> anyhow::Result<()> {
    let cfg = web
        .app
        .loaded
        .config
        .section::<Settings>()
        .context("no [web] section")?;
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    tracing::info!(listen = %cfg.listen, "web pages served");
    axum::serve(listener, router(web)).await?;
    Ok(())
}

pub fn router(web: Arc<Web>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/groupes/{slug}", get(group))
        .route("/groupes/{slug}/calendrier.ics", get(group_calendar))
        .route("/reunions", get(archive))
        .route("/reunions/{id}", get(meeting))
        .route("/reunions/{id}/{file}", get(compte_rendu))
        .route("/logiciels", get(catalogue))
        .route("/sondages/{id}", get(poll))
        .route("/calendrier.ics", get(calendar))
        .route("/healthz", get(healthz))
        .route("/style.css", get(style))
        .fallback(not_found)
        .with_state(web)
}

impl Web {
    pub fn new(app: Arc<App>, inbox: Arc<Inbox>) -> Web {
        Web {
            app,
            inbox,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// The page `key` from the cache, or made by `make` (and kept, unless
    /// it is an error).
    fn cached(
        &self,
        key: &str,
        make: impl FnOnce() -> (StatusCode, &'static str, String),
    ) -> Response {
        let version = self.inbox.data_version().ok();
        {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.version != version || version.is_none() {
                *cache = Cache {
                    version,
                    ..Cache::default()
                };
            }
            if let Some(made) = cache.pages.get(key)
                && made.at.elapsed() < FRESH
            {
                return (
                    made.status,
                    [(header::CONTENT_TYPE, made.content_type)],
                    made.body.clone(),
                )
                    .into_response();
            }
        }
        let (status, content_type, body) = make();
        if status != StatusCode::INTERNAL_SERVER_ERROR {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            if cache.bytes + body.len() > CACHE_BYTES {
                cache.pages.clear();
                cache.bytes = 0;
            }
            cache.bytes += body.len();
            cache.pages.insert(
                key.to_string(),
                Made {
                    at: Instant::now(),
                    status,
                    content_type,
                    body: body.clone(),
                },
            );
        }
        (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
    }

    fn context(&self) -> Context {
        self.app.context()
    }

    fn options(&self) -> Options {
        Options {
            show_names: self
                .app
                .loaded
                .config
                .section::<Settings>()
                .is_some_and(|w| w.show_names),
        }
    }

    /// Page `key`, made by `page` in a read transaction: the page, a 404
    /// when it finds nothing (`None`), a 500 page when the database fails.
    fn page(
        &self,
        key: &str,
        page: impl FnOnce(
            &mut dyn greffier_commands::Store,
            &Context,
            &Options,
        ) -> greffier_commands::store::StoreResult<Option<maud::Markup>>,
    ) -> Response {
        let ctx = self.context();
        let options = self.options();
        self.cached(key, || {
            match self.inbox.read(ctx.now, |tx| Ok(page(tx, &ctx, &options)?)) {
                Ok(Some(markup)) => (StatusCode::OK, HTML, markup.into_string()),
                Ok(None) => (
                    StatusCode::NOT_FOUND,
                    HTML,
                    pages::not_found(ctx.lang).into_string(),
                ),
                Err(e) => {
                    tracing::error!(error = %e, "a page failed");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        HTML,
                        pages::failed(ctx.lang).into_string(),
                    )
                }
            }
        })
    }

    fn calendar(
        &self,
        key: &str,
        feed: impl FnOnce(
            &mut dyn greffier_commands::Store,
            &Context,
        ) -> greffier_commands::store::StoreResult<Option<String>>,
    ) -> Response {
        let ctx = self.context();
        self.cached(key, || {
            match self.inbox.read(ctx.now, |tx| Ok(feed(tx, &ctx)?)) {
                Ok(Some(ics)) => (StatusCode::OK, ICS, ics),
                Ok(None) => (
                    StatusCode::NOT_FOUND,
                    HTML,
                    pages::not_found(ctx.lang).into_string(),
                ),
                Err(e) => {
                    tracing::error!(error = %e, "a calendar failed");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        HTML,
                        pages::failed(ctx.lang).into_string(),
                    )
                }
            }
        })
    }
}

async fn index(State(web): State<Arc<Web>>) -> Response {
    web.page("/", |s, c, o| pages::index(s, c, o).map(Some))
}

async fn group(State(web): State<Arc<Web>>, Path(slug): Path<String>) -> Response {
    web.page(&format!("/groupes/{slug}"), |s, c, o| {
        pages::group(s, c, o, &slug)
    })
}

async fn meeting(State(web): State<Arc<Web>>, Path(id): Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => web.page(&format!("/reunions/{id}"), |s, c, o| {
            pages::meeting(s, c, o, id)
        }),
        Err(_) => not_found(State(web)).await,
    }
}

async fn archive(State(web): State<Arc<Web>>) -> Response {
    web.page("/reunions", |s, c, o| pages::archive(s, c, o).map(Some))
}

/// `/reunions/<id>/compte-rendu` (a page) and its downloads
/// (`compte-rendu.odt`, `.pdf`, `.md`): the approved text when there is
/// one (the same bytes each time), else the draft; only where names may
/// be shown (`web.show_names`), as on the meeting's page.
async fn compte_rendu(
    State(web): State<Arc<Web>>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return not_found(State(web)).await;
    };
    let format = match file.as_str() {
        "compte-rendu" => {
            return web.page(&format!("/reunions/{id}/compte-rendu"), |s, c, o| {
                pages::compte_rendu(s, c, o, id)
            });
        }
        "compte-rendu.odt" => "odt",
        "compte-rendu.pdf" => "pdf",
        "compte-rendu.md" => "md",
        _ => return not_found(State(web)).await,
    };
    if !web.options().show_names {
        return not_found(State(web)).await;
    }
    let ctx = web.context();
    let read = web.inbox.read(ctx.now, |tx| {
        Ok(greffier_commands::minutes::record::compte_rendu(
            tx,
            &ctx.timezone,
            greffier_commands::store::MeetingId(id),
            false,
        )?)
    });
    let file = match read {
        Ok(Some(cr)) => match format {
            "odt" => greffier_document::odt::write(&cr.document)
                .map(|b| (b, "application/vnd.oasis.opendocument.text"))
                .map_err(|e| e.to_string()),
            "pdf" => greffier_document::pdf::write(&cr.document).map(|b| (b, "application/pdf")),
            _ => Ok((cr.text.into_bytes(), "text/markdown; charset=utf-8")),
        },
        Ok(None) => return not_found(State(web)).await,
        Err(e) => Err(e.to_string()),
    };
    match file {
        Ok((bytes, kind)) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"compte-rendu-{id}.{format}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a compte rendu download failed");
            (StatusCode::INTERNAL_SERVER_ERROR, pages::failed(ctx.lang)).into_response()
        }
    }
}

async fn catalogue(State(web): State<Arc<Web>>) -> Response {
    web.page("/logiciels", |s, c, o| pages::catalogue(s, c, o).map(Some))
}

async fn poll(State(web): State<Arc<Web>>, Path(id): Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => web.page(&format!("/sondages/{id}"), |s, c, o| {
            pages::poll(s, c, o, id)
        }),
        Err(_) => not_found(State(web)).await,
    }
}

async fn calendar(State(web): State<Arc<Web>>) -> Response {
    web.calendar("/calendrier.ics", |s, c| ics::feed(s, c, None))
}

async fn group_calendar(State(web): State<Arc<Web>>, Path(slug): Path<String>) -> Response {
    web.calendar(&format!("/groupes/{slug}/calendrier.ics"), |s, c| {
        ics::feed(s, c, Some(&slug))
    })
}

/// 200 with the database reachable: the queue and the adapters' last
/// moves, as JSON; 503 when the database cannot be read.
async fn healthz(State(web): State<Arc<Web>>) -> Response {
    match web.inbox.health() {
        Ok(health) => (
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({ "database": "ok", "outbox": health }).to_string(),
        )
            .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::json!({ "database": e.to_string() }).to_string(),
        )
            .into_response(),
    }
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        pages::STYLE,
    )
        .into_response()
}

async fn not_found(State(web): State<Arc<Web>>) -> Response {
    (StatusCode::NOT_FOUND, pages::not_found(web.context().lang)).into_response()
}
