//! greffier's benchmarks: measured, never asserted (no test times
//! anything). `bench/run` builds everything in release mode, starts the
//! local servers and runs `greffier-bench all`; docs/benchmarks.md records
//! the results.
//!
//! - `digest`: the weekly digests of 1000 groups, in process.
//! - `documents`: one compte rendu (the 2007 one) as PDF and as ODT.
//! - `cost`: the bot's own cost per command (request in → reply queued)
//!   with 10 000 groups and 100 000 people, in process.
//! - `matrix`: room round trips of greffier, next to the homeserver's
//!   one-hop echo and a do-nothing relay bot; bursts; resident memory of
//!   greffier, the relay and Synapse.
//! - `mail`: 1000 RSVP mails recorded, next to a plain IMAP fetch.
//! - `web`: the pages at 10 000 groups and 100 000 people, p50 / p99 and
//!   requests per second, next to a static file of the same server.
//! - `peers`: the relay, maubot 0.6.0 (a one-command plugin) and greffier
//!   side by side: round trips, idle memory, start to first answer (not
//!   part of `all`: it installs maubot).

mod commands;
mod cost;
mod digest;
mod documents;
mod layout;
mod long_poll;
mod mail;
mod matrix;
mod maubot;
mod peers;
mod procs;
mod scale;
mod stats;
mod web;

fn usage() -> ! {
    eprintln!("usage: greffier-bench all|digest|documents|cost|matrix|mail|web|peers|layout");
    std::process::exit(2)
}

fn main() -> anyhow::Result<()> {
    let what = std::env::args().nth(1).unwrap_or_else(|| usage());
    let scratch = procs::Scratch::new("run")?;
    let result = run(&what, &scratch);
    if result.is_err() || std::env::var_os("GREFFIER_BENCH_KEEP").is_some() {
        // The logs of greffier and the relay tell what went wrong.
        eprintln!("(kept for a look: {})", scratch.dir.display());
        std::mem::forget(scratch);
    }
    result
}

fn run(what: &str, scratch: &procs::Scratch) -> anyhow::Result<()> {
    let all = what == "all";
    if all || what == "digest" {
        println!("\n## Digest rendering\n");
        digest::run()?;
    }
    if all || what == "documents" {
        println!("\n## Compte rendu as PDF and ODT\n");
        documents::run()?;
    }
    if all || what == "cost" {
        println!("\n## Own cost per command (in process)\n");
        cost::run(&scratch.dir, scale::size_from_env(), 6_000)?;
    }
    if all || what == "mail" {
        println!("\n## Mail: RSVP answers recorded\n");
        let runtime = tokio::runtime::Runtime::new()?;
        let plan = mail::Plan {
            size: scale::size_from_env(),
            ..mail::PLAN
        };
        runtime.block_on(mail::run(&scratch.dir, plan))?;
    }
    if all || what == "matrix" {
        println!("\n## Matrix: round trips, bursts, memory\n");
        let runtime = tokio::runtime::Runtime::new()?;
        let plan = matrix::Plan {
            size: scale::size_from_env(),
            ..matrix::PLAN
        };
        runtime.block_on(matrix::run(&scratch.dir, plan))?;
    }
    if all || what == "web" {
        println!("\n## Web pages at scale\n");
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(web::run(&scratch.dir, scale::size_from_env()))?;
    }
    if what == "peers" {
        println!("\n## Side by side: the relay, maubot, greffier\n");
        let runtime = tokio::runtime::Runtime::new()?;
        let rounds = std::env::var("GREFFIER_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(40);
        runtime.block_on(peers::run(&scratch.dir, scale::size_from_env(), rounds))?;
    }
    if what == "layout" {
        println!("\n## Code layout: the functions greffier runs\n");
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(layout::run(&scratch.dir, scale::size_from_env()))?;
    }
    if !all
        && ![
            "digest",
            "documents",
            "cost",
            "matrix",
            "mail",
            "web",
            "peers",
            "layout",
        ]
        .contains(&what)
    {
        usage();
    }
    Ok(())
}
