//! What every command's `apply` step gets: the store, the context, the
//! request, and helpers for the questions most commands ask first (who is
//! speaking, are they an admin, which group or organisation is meant).

use crate::action::Action;
use crate::lang::Lang;
use crate::request::{Context, Request};
use crate::store::{
    Group, Membership, OrgId, Organisation, Person, Store, StoreError, StoreResult,
};
use crate::text;
use crate::tr;

/// Why a command did not run: refused (the reply says why, nothing is
/// stored), not for anyone here (an emoji on an ordinary message: no
/// reply, nothing stored), or the storage failed (logged; the user gets an
/// apology).
#[derive(Debug)]
pub enum Failure {
    Refused(String),
    Ignored,
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

pub type Outcome = Result<String, Failure>;

pub struct Exec<'a> {
    pub store: &'a mut dyn Store,
    pub ctx: &'a Context,
    pub req: &'a Request,
    /// Actions besides the reply (posts to a group's room and list, …).
    pub actions: Vec<Action>,
}

impl Exec<'_> {
    pub fn lang(&self) -> Lang {
        self.ctx.lang
    }

    pub fn prefix(&self) -> &str {
        &self.ctx.prefix
    }

    pub fn is_admin(&self) -> bool {
        self.ctx.is_admin(&self.req.sender)
    }

    /// The sender, if the bot knows them.
    pub fn me(&mut self) -> StoreResult<Option<Person>> {
        self.store.person_by_identity(&self.req.sender)
    }

    /// The name a new person gets: what the channel shows, or their
    /// identity's default; without control characters or bidirectional
    /// overrides (a name is shown in every roster and digest).
    pub fn new_person_name(&self) -> String {
        let name = self
            .req
            .display_name
            .as_deref()
            .map(crate::text::clean)
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.req.sender.default_name());
        crate::text::excerpt(name.trim(), 100)
    }

    /// The sender with their organisation, or a refusal telling them how to
    /// set it.
    pub fn member(&mut self) -> Result<(Person, Organisation), Failure> {
        let person = self.me()?;
        match person {
            Some(p) => match p.organisation {
                Some(org) => {
                    let org = self.store.organisation(org)?;
                    Ok((p, org))
                }
                None => Err(self.needs_organisation()),
            },
            None => Err(self.needs_organisation()),
        }
    }

    fn needs_organisation(&self) -> Failure {
        let p = self.prefix();
        Failure::Refused(tr!(
            self.lang(),
            "Indiquez d'abord votre organisation : {p}moi organisation <organisation>",
            "Please set your organisation first: {p}me organisation <organisation>"
        ))
    }

    /// The sender as a confirmed member of their organisation (or an
    /// admin): what acting in its name needs. A pending member is told
    /// what waits for confirmation and who can give it.
    pub fn confirmed_member(&mut self) -> Result<(Person, Organisation), Failure> {
        let (person, org) = self.member()?;
        if person.membership == Membership::Confirmed || self.is_admin() {
            return Ok((person, org));
        }
        Err(self.not_confirmed(&person, &org)?)
    }

    /// Why `person` may not act for `org` yet: their membership waits, or
    /// was refused.
    pub fn not_confirmed(&mut self, person: &Person, org: &Organisation) -> StoreResult<Failure> {
        let lang = self.lang();
        let name = &org.name;
        Ok(Failure::Refused(match person.membership {
            Membership::Refused => tr!(
                lang,
                "Refusé : votre appartenance à {name} a été refusée ; voyez avec un administrateur.",
                "Refused: your membership of {name} was refused; see an admin."
            ),
            _ => {
                let who = self.who_can_confirm(org)?;
                tr!(
                    lang,
                    "Refusé pour l'instant : votre appartenance à {name} attend confirmation ; {who} peut la confirmer.",
                    "Refused for now: your membership of {name} awaits confirmation; {who} can confirm it."
                )
            }
        }))
    }

    /// Who can confirm a membership of `org`, in words: its confirmed
    /// members if it has any, and the admins.
    pub fn who_can_confirm(&mut self, org: &Organisation) -> StoreResult<String> {
        let lang = self.lang();
        let name = &org.name;
        let de_name = crate::words::de(name);
        Ok(match self.store.has_confirmed_member(org.id)? {
            false => tr!(lang, "un administrateur", "an admin"),
            true => tr!(
                lang,
                "un membre confirmé {de_name} ou un administrateur",
                "a confirmed member of {name} or an admin"
            ),
        })
    }

    /// May the sender see the network's rosters (people's names)? Admins
    /// and confirmed members of any organisation.
    pub fn sees_names(&mut self) -> StoreResult<bool> {
        Ok(self.is_admin() || self.me()?.is_some_and(|p| p.confirmed()))
    }

    /// Is the sender an admin, or a confirmed member of the group's lead
    /// organisation? A pending member of the lead is refused with what
    /// waits for confirmation.
    pub fn leads(&mut self, group: &Group) -> Result<bool, Failure> {
        if self.is_admin() {
            return Ok(true);
        }
        let Some(lead) = group.lead else {
            return Ok(false);
        };
        let Some(me) = self.me()? else {
            return Ok(false);
        };
        if me.organisation != Some(lead) {
            return Ok(false);
        }
        if me.membership == Membership::Confirmed {
            return Ok(true);
        }
        let org = self.store.organisation(lead)?;
        Err(self.not_confirmed(&me, &org)?)
    }

    pub fn org_name(&mut self, id: Option<OrgId>) -> StoreResult<Option<String>> {
        id.map(|id| self.store.organisation(id).map(|o| o.name))
            .transpose()
    }

    pub fn refuse<T>(&self, text: String) -> Result<T, Failure> {
        Err(Failure::Refused(text))
    }

    pub fn refuse_not_allowed<T>(&self, who: &str) -> Result<T, Failure> {
        self.refuse(tr!(
            self.lang(),
            "Refusé : réservé {who}.",
            "Refused: only {who} may do this.",
        ))
    }

    /// Finds a group by slug, theme, or an unambiguous word of its theme.
    pub fn find_group(&mut self, name: &str) -> Result<Group, Failure> {
        // The exact slug, as most commands name a group: one indexed
        // lookup instead of reading every group of a large network.
        if let Some(g) = self.store.group_by_slug(name)? {
            return Ok(g);
        }
        let groups = self.store.groups()?;
        match group_named(&groups, self.lang(), name) {
            Ok(i) => Ok(groups[i].clone()),
            Err(Unnamed { text, suggested }) => {
                let mut msg = text;
                if !suggested {
                    let p = self.prefix();
                    msg.push_str(&tr!(
                        self.lang(),
                        " — tapez {p}groupe liste",
                        " — type {p}group list"
                    ));
                }
                self.refuse(msg)
            }
        }
    }

    /// Finds an organisation by name (accent-, case-, hyphen-insensitive).
    pub fn find_org(&mut self, name: &str) -> Result<Organisation, Failure> {
        match self.store.organisation_by_key(&text::name_key(name))? {
            Some(o) => Ok(o),
            None => {
                let orgs = self.store.organisations()?;
                let suggestions = org_suggestions(&orgs, name);
                let name = text::excerpt(name, 60);
                let lang = self.lang();
                let mut msg = tr!(
                    lang,
                    "Organisation inconnue « {name} »",
                    "Unknown organisation “{name}”"
                );
                msg.push_str(&did_you_mean(lang, &suggestions));
                self.refuse(msg)
            }
        }
    }

    /// Posts to the group's room and list, if it has them.
    pub fn post_to_group(&mut self, group: &Group, text: String) {
        self.actions.push(Action::PostToGroup {
            group: group.slug.clone(),
            text,
            meeting: None,
            html: None,
        });
    }
}

/// Two names typed one after the other without quotes ("C.A. Aix Mairie
/// AIX"): the only way to cut the words in two that `resolve` finds both
/// sides of, if there is exactly one.
pub(crate) fn two_names<T>(
    ex: &mut Exec<'_>,
    tokens: &[text::Token],
    resolve: fn(&mut Exec<'_>, &str) -> Result<Option<T>, Failure>,
) -> Result<Option<(T, T)>, Failure> {
    let mut found = Vec::new();
    for cut in 1..tokens.len() {
        let a = text::join(&tokens[..cut]);
        let b = text::join(&tokens[cut..]);
        if let (Some(a), Some(b)) = (resolve(ex, &a)?, resolve(ex, &b)?) {
            found.push((a, b));
        }
    }
    Ok(match found.len() {
        1 => found.pop(),
        _ => None,
    })
}

pub fn org_suggestions(orgs: &[Organisation], name: &str) -> Vec<String> {
    text::closest(
        name,
        orgs.iter()
            .map(|o| (text::name_key(&o.name), o.name.as_str())),
    )
}

/// " — vouliez-vous dire « a » ou « b » ?", or nothing.
pub fn did_you_mean(lang: Lang, suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        return String::new();
    }
    let list = quote_list(lang, suggestions);
    tr!(
        lang,
        " — vouliez-vous dire {list} ?",
        " — did you mean {list}?"
    )
}

/// « a », « b » ou « c » / “a”, “b” or “c”.
pub fn quote_list(lang: Lang, items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| tr!(lang, "« {s} »", "“{s}”"))
        .collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => {
            let init = init.join(", ");
            tr!(lang, "{init} ou {last}", "{init} or {last}")
        }
    }
}

/// Why no group was found by a name: the sentence, and whether it
/// proposes close names (else the caller says where the list is).
#[derive(Debug, PartialEq, Eq)]
pub struct Unnamed {
    pub text: String,
    pub suggested: bool,
}

/// The group `name` designates among `groups` ([`lookup_group`]), or the
/// sentence that says why none does — the chat's and the command line's:
/// « Groupe inconnu « mesagerie » — vouliez-vous dire « messagerie » ? ».
pub fn group_named(groups: &[Group], lang: Lang, name: &str) -> Result<usize, Unnamed> {
    let excerpt = text::excerpt(name, 60);
    match lookup_group(groups, name) {
        Lookup::Found(i) => Ok(i),
        Lookup::Ambiguous(list) => {
            let list = quote_list(lang, &list);
            Err(Unnamed {
                text: tr!(
                    lang,
                    "« {excerpt} » désigne plusieurs groupes : {list} — précisez.",
                    "“{excerpt}” matches several groups: {list} — be more precise."
                ),
                suggested: true,
            })
        }
        Lookup::Unknown(suggestions) => Err(Unnamed {
            text: tr!(
                lang,
                "Groupe inconnu « {excerpt} »",
                "Unknown group “{excerpt}”"
            ) + &did_you_mean(lang, &suggestions),
            suggested: !suggestions.is_empty(),
        }),
    }
}

/// The result of looking a group up by name.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(usize),
    Ambiguous(Vec<String>),
    Unknown(Vec<String>),
}

/// A group is named by its slug, its whole theme, or a word of its theme
/// that no other group's theme has. Archived groups are found too.
pub fn lookup_group(groups: &[Group], name: &str) -> Lookup {
    let key = text::name_key(name);
    let slug_key = text::keyword(name);
    if let Some(i) = groups
        .iter()
        .position(|g| g.slug == name || text::keyword(&g.slug) == slug_key)
    {
        return Lookup::Found(i);
    }
    if let Some(i) = groups.iter().position(|g| text::name_key(&g.theme) == key) {
        return Lookup::Found(i);
    }
    if !key.is_empty() && !key.contains(' ') {
        let by_word: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| text::name_key(&g.theme).split(' ').any(|w| w == key))
            .map(|(i, _)| i)
            .collect();
        match by_word.as_slice() {
            [i] => return Lookup::Found(*i),
            [] => {}
            many => {
                return Lookup::Ambiguous(many.iter().map(|&i| groups[i].slug.clone()).collect());
            }
        }
    }
    let candidates = groups.iter().flat_map(|g| {
        let theme_key = text::name_key(&g.theme);
        let words: Vec<(String, &str)> = theme_key
            .split(' ')
            .filter(|w| w.len() > 3)
            .map(|w| (w.to_string(), g.slug.as_str()))
            .collect();
        [
            (g.slug.clone(), g.slug.as_str()),
            (theme_key, g.slug.as_str()),
        ]
        .into_iter()
        .chain(words)
    });
    Lookup::Unknown(text::closest(name, candidates))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{GroupId, GroupStatus};

    fn group(id: i64, slug: &str, theme: &str) -> Group {
        Group {
            id: GroupId(id),
            slug: slug.into(),
            theme: theme.into(),
            status: GroupStatus::Proposed,
            lead: None,
            action: None,
            room: None,
            list: None,
        }
    }

    fn groups() -> Vec<Group> {
        vec![
            group(1, "messagerie", "Messagerie libre"),
            group(2, "courrier", "Gestion du courrier"),
            group(3, "vehicules", "Gestion des véhicules"),
            group(4, "openelec", "OpenElec"),
        ]
    }

    #[test]
    fn lookup_by_slug_theme_and_word() {
        let g = groups();
        for (name, want) in [
            ("messagerie", 0),
            ("MESSAGERIE", 0),
            ("Messagerie libre", 0),
            ("courrier", 1),
            ("véhicules", 2),
            ("VEHICULES", 2),
            ("openelec", 3),
            ("OpenElec", 3),
            ("libre", 0),
        ] {
            assert_eq!(lookup_group(&g, name), Lookup::Found(want), "{name}");
        }
    }

    #[test]
    fn lookup_ambiguous_word_lists_candidates() {
        assert_eq!(
            lookup_group(&groups(), "gestion"),
            Lookup::Ambiguous(vec!["courrier".into(), "vehicules".into()])
        );
    }

    #[test]
    fn lookup_unknown_suggests_closest() {
        assert_eq!(
            lookup_group(&groups(), "mesagerie"),
            Lookup::Unknown(vec!["messagerie".into()])
        );
        assert_eq!(lookup_group(&groups(), "zzz"), Lookup::Unknown(vec![]));
    }

    #[test]
    fn quote_list_in_both_languages() {
        let items = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(quote_list(Lang::Fr, &items), "« a », « b » ou « c »");
        assert_eq!(quote_list(Lang::En, &items), "“a”, “b” or “c”");
    }
}
