//! The types every handler shares: the framework's user data, context and error.

use std::sync::Arc;

use crate::discord::ask::Asking;
use crate::live_knowledge::LiveKnowledge;
use crate::metrics::Metrics;
use crate::store::Store;

/// The error type of command and event handlers: anything, with context, logged by the one
/// `on_error` in `errors.rs`.
pub type Error = anyhow::Error;

/// The poise context the commands receive.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// State shared by every handler.
pub struct Data {
    /// The question pipeline and what it keeps (settings cache, cooldowns, seen events,
    /// usage counts).
    pub asking: Asking,
    /// The knowledge in service, for rendering role lists and the `/knowledge` commands.
    pub knowledge: Arc<LiveKnowledge>,
    /// The settings store, for the admin commands.
    pub store: Arc<Store>,
    pub metrics: Arc<Metrics>,
}
