//! The mail adapter: the bot's mailbox over IMAP, answers over SMTP.
pub mod parse;
