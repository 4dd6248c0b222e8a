//! `!moi` — who the bot thinks you are, and whether your organisation
//! confirmed you (if not, who can).

use crate::exec::{Exec, Outcome};
use crate::parse::Usage;
use crate::store::Membership;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!moi",
    en: "!me",
    help_fr: "qui greffier pense que vous êtes",
    help_en: "who greffier thinks you are",
};

pub fn apply(ex: &mut Exec<'_>) -> Outcome {
    let lang = ex.lang();
    let sender = ex.req.sender.value.clone();
    let admin = ex.is_admin();
    let Some(me) = ex.me()? else {
        let p = ex.prefix();
        return Ok(tr!(
            lang,
            "Je ne vous connais pas encore ({sender}). Indiquez votre organisation : {p}moi organisation <organisation>",
            "I do not know you yet ({sender}). Set your organisation: {p}me organisation <organisation>"
        ));
    };
    let org = match me.organisation {
        Some(id) => {
            let org = ex.store.organisation(id)?;
            let name = &org.name;
            match me.membership {
                Membership::Confirmed => tr!(
                    lang,
                    "{name} (membre confirmé)",
                    "{name} (confirmed member)"
                ),
                Membership::Pending => {
                    let who = ex.who_can_confirm(&org)?;
                    tr!(
                        lang,
                        "{name} (en attente de confirmation : {who} peut la confirmer)",
                        "{name} (awaiting confirmation: {who} can confirm it)"
                    )
                }
                Membership::Refused => tr!(
                    lang,
                    "{name} (refusée : voyez avec un administrateur)",
                    "{name} (refused: see an admin)"
                ),
            }
        }
        None => tr!(lang, "aucune", "none"),
    };
    let mut out = vec![tr!(
        lang,
        "Vous êtes {} ({sender}), organisation : {org}.",
        "You are {} ({sender}), organisation: {org}.",
        me.name
    )];
    let ids: Vec<String> = ex
        .store
        .identities(me.id)?
        .into_iter()
        .map(|(id, verified)| match verified {
            true => id.value,
            false => tr!(lang, "{} (non confirmée)", "{} (not confirmed)", id.value),
        })
        .collect();
    let ids = ids.join(", ");
    out.push(tr!(lang, "Identités : {ids}", "Identities: {ids}"));
    let groups: Vec<String> = ex
        .store
        .person_groups(me.id)?
        .into_iter()
        .map(|g| g.slug)
        .collect();
    if !groups.is_empty() {
        let groups = groups.join(", ");
        out.push(tr!(lang, "Groupes : {groups}", "Groups: {groups}"));
    }
    if admin {
        out.push(tr!(lang, "Vous êtes administrateur.", "You are an admin."));
    }
    Ok(out.join("\n"))
}
