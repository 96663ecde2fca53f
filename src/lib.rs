//! rolecall answers questions about job roles from a directory of plain knowledge files.
//!
//! # Layout
//! - [`engine`]: the pure core. Loads the knowledge directory, reads questions, finds the
//!   roles and aspect they ask about, and composes answers as data.
//! - [`cli`]: the command line (`ask`, `check`, `roles`, and the default run), the only
//!   place that turns errors into exit codes.
//! - [`console`]: the interactive prompt used when no Discord token is configured.
//! - [`config`]: settings from the environment and `.env`, validated once.
//! - [`discord`]: the Discord adapter (serenity and poise): commands, events, rendering.
//! - [`store`]: per-server settings and usage counts in SQLite or PostgreSQL (sqlx).

pub mod cli;
pub mod config;
pub mod console;
pub mod discord;
pub mod engine;
pub mod store;
