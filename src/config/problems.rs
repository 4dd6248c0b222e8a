//! A problem in bot.toml: where (the line), which key, what; and how a
//! line is found for a key or for serde's message.

/// One problem in the file: where, which key, what.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

/// One problem of a key of the `n`th `[section]` (or `[[section]]`).
pub fn key_problem(src: &str, section: &str, n: usize, key: &str, message: String) -> Problem {
    let name = match section {
        "groups.seed" | "organisations.seed" | "people.seed" => {
            format!("{section}[{n}].{key}")
        }
        _ => format!("{section}.{key}"),
    };
    Problem {
        line: line_of_nth_key(src, section, n, key),
        key: name,
        message,
    }
}

/// A problem serde found in `section` (an unknown key, a wrong type), from
/// its message (which names the key: "unknown field `foo`, …", or "… in
/// `imap_port`"), with its line.
pub fn serde_problem(src: &str, section: Option<&str>, e: &toml::de::Error) -> Problem {
    let message = e.message().trim().to_string();
    let shown = e.to_string();
    let unknown = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("unknown field"));
    if let Some(key) = unknown {
        // An unknown key is named alone, on its own line (an unknown
        // section on its header).
        let line = match section {
            Some(s) => line_of_nth_key(src, s, 0, key),
            None => src
                .lines()
                .position(|l| {
                    let t = l.trim();
                    t.split('=').next().is_some_and(|k| k.trim() == key)
                        || t.trim_matches(['[', ']']).trim() == key
                })
                .map(|i| i + 1),
        };
        return Problem {
            line,
            key: key.to_string(),
            message,
        };
    }
    // "… in `bot.retention_days`": the key's path.
    let path = shown
        .rsplit_once("in `")
        .and_then(|(_, rest)| rest.split('`').next())
        .map(str::to_string);
    let full = match (section, path.as_deref()) {
        (Some(s), Some(p)) => Some(format!("{s}.{p}")),
        (None, p) => p.map(str::to_string),
        (Some(s), None) => Some(s.to_string()),
    };
    let line = full.as_deref().and_then(|f| {
        let (s, k) = f.rsplit_once('.')?;
        line_of_nth_key(src, s, 0, k)
    });
    Problem {
        line,
        key: full.unwrap_or_else(|| "syntax".into()),
        message,
    }
}

pub fn line_at(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].matches('\n').count() + 1
}

/// The line of `key = …` inside the `n`th `[section]` or `[[section]]`
/// table (the header itself, if the section has no such key).
pub fn line_of_nth_key(src: &str, section: &str, n: usize, key: &str) -> Option<usize> {
    let mut current = String::new();
    let mut seen: Option<usize> = None;
    let mut header_line = None;
    for (i, line) in src.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            current = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            if current == section {
                seen = Some(seen.map_or(0, |s| s + 1));
                if seen == Some(n) {
                    header_line = Some(i + 1);
                }
            }
            continue;
        }
        if current == section && seen == Some(n) {
            let k = t.split('=').next().unwrap_or("").trim();
            if k == key {
                return Some(i + 1);
            }
        }
    }
    header_line
}

/// The host of a URL's rest after `scheme://`: `[::1]:8008/x` is `::1`.
pub fn url_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    }
}

/// A host on this machine: `localhost`, 127.0.0.0/8, `::1`.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_matches(['[', ']']);
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An `http(s)://` URL whose clear-text form (`http://`) is for this
/// machine only.
pub fn https_or_loopback(url: &str) -> bool {
    url.starts_with("https://")
        || url
            .strip_prefix("http://")
            .is_some_and(|r| is_loopback(url_host(r)))
}
