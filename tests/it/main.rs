//! rolecall's integration tests, in one binary: the real `rolecall` executable driven on
//! real and generated knowledge directories, the settings store on SQLite and PostgreSQL,
//! and the bot against a fake Discord.

mod accuracy;
mod chaos;
mod cli;
mod config;
mod discord;
mod fake_discord_selftest;
mod faults;
mod fuzz_corpus;
mod hostile;
mod operations;
mod recovery;
mod scale;
mod settings;
mod store;
mod support;
mod tidy;
