//! rolecall's integration tests, in one binary: the real `rolecall` executable driven on
//! real and generated knowledge directories, and as a bot against a fake Discord.

mod accuracy;
mod cli;
mod discord;
mod fake_discord_selftest;
mod support;
mod tidy;
