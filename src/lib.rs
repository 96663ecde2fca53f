//! rolecall answers questions about job roles from a directory of plain knowledge files.
//!
//! # Layout
//! - [`engine`]: the pure core. Loads the knowledge directory, reads questions, finds the
//!   roles and aspect they ask about, and composes answers as data.
//! - [`chart`]: salary charts as PNG (tiny-skia, with a font shipped in `assets/fonts/`).
//! - [`cli`]: the command line (`ask`, `check`, `roles`, and the default run), the only
//!   place that turns errors into exit codes.
//! - [`console`]: the interactive prompt used when no Discord token is configured.
//! - [`config`]: settings from the environment and `.env`, validated once.
//! - [`discord`]: the Discord adapter (serenity and poise): commands, events, rendering.
//! - [`live_knowledge`]: the knowledge directory in service, its reloads and its watcher,
//!   shared by the bot, the console and the `/knowledge` commands.
//! - [`markup`]: chat markup (mentions, channel links, emoji) removed from questions.
//! - [`metrics`]: counters and the optional `/healthz` + `/metrics` endpoint.
//! - [`store`]: per-server settings and usage counts in SQLite or PostgreSQL (sqlx).

pub mod chart;
pub mod cli;
pub mod config;
pub mod console;
pub mod discord;
pub mod engine;
pub mod live_knowledge;
pub mod markup;
pub mod metrics;
pub mod store;
