//! The pages' line in `greffier status`: the running bot's `/healthz`,
//! asked over HTTP.

use std::time::Duration;

use greffier_commands::{Lang, tr};

use crate::config::Config;
use crate::plugin::{Checkup, Said};

use super::Settings;

/// `/healthz` answers, or does not (critical only while the bot runs).
pub fn said(config: &Config, checkup: &Checkup<'_>) -> Vec<Said> {
    let Some(cfg) = config.section::<Settings>() else {
        return Vec::new();
    };
    let url = healthz_url(&cfg.listen);
    judge(checkup.lang, &url, fetch(&url), checkup.running)
}

/// What a `/healthz` answer (or its absence) says.
pub fn judge(lang: Lang, url: &str, answer: Result<(), String>, running: bool) -> Vec<Said> {
    let silent = |e: &str| {
        tr!(
            lang,
            "web : {url} ne répond pas ({e})",
            "web: {url} does not answer ({e})"
        )
    };
    match answer {
        Ok(()) => vec![Said::Line(tr!(
            lang,
            "web : {url} répond",
            "web: {url} answers"
        ))],
        Err(e) if running => vec![
            Said::Critical(tr!(
                lang,
                "{url} ne répond pas : {e}",
                "{url} does not answer: {e}"
            )),
            Said::Line(silent(&e)),
        ],
        Err(e) => vec![Said::Line(silent(&e))],
    }
}

/// `127.0.0.1:8080` → `http://127.0.0.1:8080/healthz`; an address
/// listening on every interface is asked on the loopback.
fn healthz_url(listen: &str) -> String {
    let host = listen
        .replace("0.0.0.0:", "127.0.0.1:")
        .replace("[::]:", "[::1]:");
    format!("http://{host}/healthz")
}

/// The running bot's `/healthz`: `Ok` when it answers 200.
fn fetch(url: &str) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        let response = client.get(url).send().await.map_err(|e| e.to_string())?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("answered {}", response.status()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthz_is_asked_on_the_loopback() {
        assert_eq!(healthz_url("0.0.0.0:8080"), "http://127.0.0.1:8080/healthz");
        assert_eq!(healthz_url("[::]:80"), "http://[::1]:80/healthz");
    }

    #[test]
    fn a_silent_page_is_critical_only_while_the_bot_runs() {
        let url = "http://127.0.0.1:8080/healthz";
        assert_eq!(
            judge(Lang::En, url, Ok(()), true),
            [Said::Line(format!("web: {url} answers"))]
        );
        let down = judge(Lang::En, url, Err("timed out".into()), true);
        assert_eq!(
            down[0],
            Said::Critical(format!("{url} does not answer: timed out"))
        );
        assert_eq!(
            judge(Lang::Fr, url, Err("timed out".into()), true)[0],
            Said::Critical(format!("{url} ne répond pas : timed out"))
        );
        let stopped = judge(Lang::En, url, Err("refused".into()), false);
        assert!(
            stopped.iter().all(|s| matches!(s, Said::Line(_))),
            "{stopped:?}"
        );
    }
}
