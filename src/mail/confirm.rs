//! What a mail that proves nothing asks to change waits for its sender's
//! confirmation: a reply, from the same address, to a mail whose
//! unguessable Message-ID (`confirm.<token>@<domain>`) only the owner of
//! the address receives. The inbox calls this through the mailbox's route
//! ([`CONFIRMATION`]); SECURITY.md says why. A reply that names a mail
//! greffier sent to the person of a declared address (its welcome mail,
//! an invitation, a poll, a draft) verifies that address.

use greffier_commands::store::{Identity, StoreResult};
use greffier_commands::{Action, Context, Notice, Origin, Store};

use crate::route::{Confirmation, Confirmed};

/// The mailbox's way to confirm.
pub const CONFIRMATION: Confirmation = Confirmation { hold, confirm };

/// How long a held request waits for its confirmation.
const CONFIRM_HOURS: i64 = 24;
/// Confirmation mails to one address in 24 hours, at most; and one request
/// at a time waits for its confirmation. Past either, an unproven mail's
/// changes are refused without a word: 200 forged mails gave 200 held rows
/// and 200 mails to their victim (issue 34, case 4).
const MAX_CONFIRMATIONS_PER_DAY: usize = 3;

/// Keeps `held` until the sender confirms it, and asks them to: one mail
/// (after what `ran` answered, if anything) whose unguessable Message-ID
/// the confirmation must name.
fn hold(
    store: &mut dyn Store,
    ctx: &Context,
    origin: &Origin,
    sender: &Identity,
    held: String,
    shown: Vec<String>,
    ran: Option<Vec<Action>>,
) -> StoreResult<Vec<Action>> {
    let day_ago = ctx.now - jiff::SignedDuration::from_hours(CONFIRM_HOURS);
    store.expire_held(day_ago)?;
    let (pending, today) = store.held_since(&sender.value, day_ago)?;
    if pending > 0 || today >= MAX_CONFIRMATIONS_PER_DAY {
        tracing::warn!(from = %sender.value, pending, today, "unauthenticated mail: a request already waits for this address, changes refused quietly");
        return Ok(ran.unwrap_or_default());
    }
    let token = store.random_token()?;
    store.hold(&token, &sender.value, &held)?;
    tracing::info!(from = %sender.value, held = shown.len(), "unauthenticated mail: changes held for a confirmation");
    let (mut before, besides) = match ran {
        Some(mut actions) if !actions.is_empty() => {
            let besides = actions.split_off(1);
            match actions.pop() {
                Some(Action::Reply { text, .. }) => (format!("{text}\n\n"), besides),
                _ => (String::new(), besides),
            }
        }
        _ => (String::new(), Vec::new()),
    };
    before.push_str(
        &Notice::ConfirmationNeeded {
            held: shown,
            hours: CONFIRM_HOURS,
        }
        .text(ctx.lang, &ctx.prefix),
    );
    let domain = ctx.mail_domain().unwrap_or("greffier.invalid");
    let mut actions = vec![Action::Confirm {
        origin: origin.clone(),
        text: before,
        message_id: format!("confirm.{token}@{domain}"),
    }];
    actions.extend(besides);
    Ok(actions)
}

/// When a mail is a reply to a confirmation request of its own sender,
/// what it confirms: the held request runs (once), as the sender's.
fn confirm(
    store: &mut dyn Store,
    ctx: &Context,
    origin: &Origin,
    sender: &Identity,
) -> StoreResult<Option<Confirmed>> {
    let Origin::Email { references, .. } = origin else {
        return Ok(None);
    };
    let ids: Vec<&str> = references
        .iter()
        .map(|r| r.trim().trim_start_matches('<').trim_end_matches('>'))
        .collect();
    // A declared address proves itself by a reply naming a mail greffier
    // sent to its person: the welcome mail (to that very address), an
    // invitation, a poll, a draft compte rendu.
    if let Some(person) = store.declared_person(sender)? {
        for id in &ids {
            let welcome = store.welcome_mail(id)?;
            let proves = match &welcome {
                Some(address) => address.eq_ignore_ascii_case(&sender.value),
                None => store.mail_sent_to(id)? == Some(person.id),
            };
            if !proves {
                continue;
            }
            store.verify_declared(sender)?;
            tracing::info!(from = %sender.value, "a declared address is verified by its holder's reply");
            if welcome.is_some() {
                return Ok(Some(Confirmed::Say(Notice::AddressVerified {
                    address: sender.value.clone(),
                })));
            }
            // Verified: the mail is read as any of theirs.
            return Ok(None);
        }
    }
    for id in ids {
        let Some(token) = id
            .strip_prefix("confirm.")
            .and_then(|rest| rest.split('@').next())
        else {
            continue;
        };
        let Some(held) = store.held(token)? else {
            continue;
        };
        // From another address, a reply confirms nothing.
        if !held.sender.eq_ignore_ascii_case(&sender.value) {
            continue;
        }
        if held.applied {
            return Ok(Some(Confirmed::Say(Notice::AlreadyConfirmed)));
        }
        if ctx.now.duration_since(held.created_at) > jiff::SignedDuration::from_hours(CONFIRM_HOURS)
            || held.input.is_empty()
        {
            return Ok(Some(Confirmed::Say(Notice::ConfirmationExpired {
                hours: CONFIRM_HOURS,
            })));
        }
        store.mark_applied(token)?;
        // The reply proves the address: declared, it is verified now.
        store.verify_declared(sender)?;
        tracing::info!(from = %sender.value, "confirmed: held changes applied");
        return Ok(Some(Confirmed::Run(held.input)));
    }
    Ok(None)
}
