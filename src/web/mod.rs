//! The web adapter (`[web]`): read-only pages of the network for a
//! browser — the network, a group, a meeting, the catalogue, a poll — the
//! calendar feeds (`/calendrier.ics`, `/groupes/<slug>/calendrier.ics`)
//! and `/healthz`. axum serves them; [`pages`] writes the HTML with maud
//! (every text escaped by construction), [`ics`] the iCalendar feeds.
//!
//! It reads through its own connection to the database (an [`Inbox`] of
//! its own), so that pages never wait for the bot's writes nor hold them
//! up; nothing here changes state: GET only, no form.

mod ics;
mod pages;

use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use greffier_commands::Context;

use crate::app::App;
use crate::inbox::Inbox;

/// What the pages share.
pub struct Web {
    pub app: Arc<App>,
    /// Its own connection, for reading.
    pub inbox: Inbox,
}

/// What a page needs besides the data.
#[derive(Clone)]
pub struct Options {
    /// Show people's names (`web.show_names`); organisations otherwise.
    pub show_names: bool,
}

pub async fn serve(web: Arc<Web>) -> anyhow::Result<()> {
    let cfg = web
        .app
        .loaded
        .config
        .web
        .as_ref()
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
        .route("/reunions/{id}", get(meeting))
        .route("/logiciels", get(catalogue))
        .route("/sondages/{id}", get(poll))
        .route("/calendrier.ics", get(calendar))
        .route("/healthz", get(healthz))
        .route("/style.css", get(style))
        .fallback(not_found)
        .with_state(web)
}

impl Web {
    fn context(&self) -> Context {
        self.app.context()
    }

    fn options(&self) -> Options {
        Options {
            show_names: self
                .app
                .loaded
                .config
                .web
                .as_ref()
                .is_some_and(|w| w.show_names),
        }
    }

    /// Runs `page` in a read transaction: the page, a 404 when it finds
    /// nothing (`None`), a 500 page when the database fails.
    fn page(
        &self,
        page: impl FnOnce(
            &mut dyn greffier_commands::Store,
            &Context,
            &Options,
        ) -> greffier_commands::store::StoreResult<Option<maud::Markup>>,
    ) -> Response {
        let ctx = self.context();
        let options = self.options();
        match self.inbox.read(ctx.now, |tx| Ok(page(tx, &ctx, &options)?)) {
            Ok(Some(markup)) => markup.into_response(),
            Ok(None) => (StatusCode::NOT_FOUND, pages::not_found(ctx.lang)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "a page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, pages::failed(ctx.lang)).into_response()
            }
        }
    }

    fn calendar(
        &self,
        feed: impl FnOnce(
            &mut dyn greffier_commands::Store,
            &Context,
        ) -> greffier_commands::store::StoreResult<Option<String>>,
    ) -> Response {
        let ctx = self.context();
        match self.inbox.read(ctx.now, |tx| Ok(feed(tx, &ctx)?)) {
            Ok(Some(ics)) => (
                [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
                ics,
            )
                .into_response(),
            Ok(None) => (StatusCode::NOT_FOUND, pages::not_found(ctx.lang)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "a calendar failed");
                (StatusCode::INTERNAL_SERVER_ERROR, pages::failed(ctx.lang)).into_response()
            }
        }
    }
}

async fn index(State(web): State<Arc<Web>>) -> Response {
    web.page(|s, c, o| pages::index(s, c, o).map(Some))
}

async fn group(State(web): State<Arc<Web>>, Path(slug): Path<String>) -> Response {
    web.page(|s, c, o| pages::group(s, c, o, &slug))
}

async fn meeting(State(web): State<Arc<Web>>, Path(id): Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => web.page(|s, c, o| pages::meeting(s, c, o, id)),
        Err(_) => not_found(State(web)).await,
    }
}

async fn catalogue(State(web): State<Arc<Web>>) -> Response {
    web.page(|s, c, o| pages::catalogue(s, c, o).map(Some))
}

async fn poll(State(web): State<Arc<Web>>, Path(id): Path<String>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => web.page(|s, c, o| pages::poll(s, c, o, id)),
        Err(_) => not_found(State(web)).await,
    }
}

async fn calendar(State(web): State<Arc<Web>>) -> Response {
    web.calendar(|s, c| ics::feed(s, c, None))
}

async fn group_calendar(State(web): State<Arc<Web>>, Path(slug): Path<String>) -> Response {
    web.calendar(|s, c| ics::feed(s, c, Some(&slug)))
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
