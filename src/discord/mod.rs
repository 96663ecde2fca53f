//! The Discord adapter: the only module that knows about serenity and poise.
//!
//! It translates Discord in and out and nothing more: slash commands, the message menu,
//! messages and clicks become questions for the one pipeline in [`ask`], and its outcomes
//! become interaction responses and messages. What an answer says comes from the engine;
//! how it looks on Discord comes from [`render`].
//!
//! # Layout
//! - [`client`]: connecting, intents, the framework, registration, shutdown;
//!   [`heartbeat`]: the watchdog that resumes zombie gateway connections.
//! - [`commands`]: the question commands and the "Ask rolecall" message menu.
//! - [`admin`]: `/config`, `/stats` and `/knowledge` for admins and the bot's owner.
//! - [`events`]: messages, component clicks and other gateway events.
//! - [`ask`]: the question pipeline, with [`server_settings`], [`cooldown`], [`seen`] and
//!   [`usage`].
//! - [`render`], [`custom_id`], [`limits`]: replies, component ids, Discord's limits.
//! - [`send`]: raw request bodies with retries; [`errors`]: the one error handler;
//!   [`types`]: `Data`, `Context`, `Error`.

pub mod admin;
pub mod ask;
pub mod client;
pub mod commands;
pub mod cooldown;
pub mod custom_id;
pub mod errors;
pub mod events;
pub mod heartbeat;
pub mod limits;
pub mod render;
pub mod seen;
pub mod send;
pub mod server_settings;
pub mod types;
pub mod usage;
