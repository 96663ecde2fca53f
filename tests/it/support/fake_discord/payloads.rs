//! Builders of the payloads Discord documents and serenity parses: the users, members, roles,
//! channels, guild and application the fake serves, the gateway's READY, GUILD_CREATE,
//! MESSAGE_CREATE and INTERACTION_CREATE, and the messages the HTTP API returns.
//!
//! Each builder fills every field without which serenity drops the whole event (listed in
//! `../shared/discord/README.md`).

use serde_json::{json, Value};

use super::FakeDiscord;

/// The timestamp of every fake message, member and guild join.
pub(super) const TIMESTAMP: &str = "2024-01-01T00:00:00.000000+00:00";
/// Discord's default `@everyone` permissions (view, send, embed, attach, history, commands, ...).
const MEMBER_PERMISSIONS: &str = "1071698660929";
/// The id of every command in `slash_command` / `autocomplete` payloads (poise matches by name).
pub(super) const COMMAND_ID: u64 = 900_000_000_000_000_100;
/// The author of `bot_message`.
const OTHER_BOT_ID: u64 = 900_000_000_000_000_032;

/// The READY data for a session on connection `connection` serving `guilds` (GUILD_CREATE
/// payloads; READY lists them as unavailable, as Discord does).
pub(super) fn ready(gateway_url: &str, connection: usize, guilds: &[Value]) -> Value {
    let guilds: Vec<Value> = guilds
        .iter()
        .map(|g| json!({"id": g["id"], "unavailable": true}))
        .collect();
    json!({
        "v": 10,
        "user": bot_user(),
        "guilds": guilds,
        "session_id": format!("fake-session-{connection}"),
        "resume_gateway_url": gateway_url,
        "application": {"id": FakeDiscord::APP_ID.to_string(), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "user_settings": {},
        "presences": [],
        "guild_join_requests": [],
    })
}

fn user(id: u64, username: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": username,
        "discriminator": if bot { "0000" } else { "0" },
        "global_name": if bot { Value::Null } else { json!(username) },
        "avatar": null,
        "bot": bot,
        "system": false,
        "public_flags": 0,
        "flags": 0,
    })
}

pub(super) fn bot_user() -> Value {
    let mut bot = user(FakeDiscord::BOT_ID, "rolecall", true);
    bot["verified"] = json!(true);
    bot["mfa_enabled"] = json!(false);
    bot
}

fn normal_user() -> Value {
    user(FakeDiscord::USER_ID, "member", false)
}

fn guild_member(user: Value, roles: &[u64]) -> Value {
    let roles: Vec<String> = roles.iter().map(u64::to_string).collect();
    json!({
        "user": user,
        "nick": null,
        "avatar": null,
        "roles": roles,
        "joined_at": TIMESTAMP,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
    })
}

pub(super) fn application() -> Value {
    json!({
        "id": FakeDiscord::APP_ID.to_string(),
        "name": "rolecall",
        "icon": null,
        "description": "",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "bot": bot_user(),
        "owner": user(FakeDiscord::OWNER_ID, "owner", false),
        "verify_key": "0".repeat(64),
        "team": null,
        "flags": 0,
        "summary": "",
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "integration_types_config": {"0": {}},
        "approximate_guild_count": 1,
    })
}

fn role(id: u64, name: &str, position: u64, managed: bool) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": MEMBER_PERMISSIONS,
        "managed": managed,
        "mentionable": false,
        "flags": 0,
    })
}

pub(super) fn text_channel() -> Value {
    json!({
        "id": FakeDiscord::CHANNEL_ID.to_string(),
        "type": 0,
        "guild_id": FakeDiscord::GUILD_ID.to_string(),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

pub(super) fn dm_channel(recipient: u64) -> Value {
    let recipient = if recipient == FakeDiscord::USER_ID {
        normal_user()
    } else {
        user(recipient, "someone", false)
    };
    json!({
        "id": FakeDiscord::DM_CHANNEL_ID.to_string(),
        "type": 1,
        "last_message_id": null,
        "recipients": [recipient],
        "flags": 0,
    })
}

/// The GUILD_CREATE data of the second guild (see `FakeDiscord::SECOND_GUILD_ID`).
pub(super) fn second_guild() -> Value {
    let text = guild().to_string();
    let text = text
        .replace(
            &FakeDiscord::GUILD_ID.to_string(),
            &FakeDiscord::SECOND_GUILD_ID.to_string(),
        )
        .replace(
            &FakeDiscord::CHANNEL_ID.to_string(),
            &FakeDiscord::SECOND_CHANNEL_ID.to_string(),
        );
    let mut guild: Value = serde_json::from_str(&text).unwrap();
    guild["name"] = json!("Rolecall Second");
    guild
}

/// The GUILD_CREATE payload: one text channel, `@everyone` + the bot's role, and three
/// members (the bot, the owner and `USER_ID`).
pub(super) fn guild() -> Value {
    let guild_id = FakeDiscord::GUILD_ID;
    let mut guild = json!({
        "id": guild_id.to_string(),
        "name": "Rolecall Test",
        "icon": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": FakeDiscord::OWNER_ID.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            role(guild_id, "@everyone", 0, false),
            role(FakeDiscord::BOT_ROLE_ID, "rolecall", 1, true),
        ],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": FakeDiscord::CHANNEL_ID.to_string(),
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
    });
    // In two parts: one `json!` this size exceeds the macro recursion limit.
    let rest = json!({
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "joined_at": TIMESTAMP,
        "large": false,
        "unavailable": false,
        "member_count": 3,
        "voice_states": [],
        "members": [
            guild_member(bot_user(), &[FakeDiscord::BOT_ROLE_ID]),
            guild_member(user(FakeDiscord::OWNER_ID, "owner", false), &[]),
            guild_member(normal_user(), &[]),
        ],
        "channels": [text_channel()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    });
    if let (Some(guild), Value::Object(rest)) = (guild.as_object_mut(), rest) {
        guild.extend(rest);
    }
    guild
}

pub(super) fn message_object(id: u64, channel: u64, author: Value, content: &str, in_guild: bool) -> Value {
    let mut message = json!({
        "id": id.to_string(),
        "channel_id": channel.to_string(),
        "author": author,
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    });
    if in_guild {
        message["guild_id"] = json!(FakeDiscord::GUILD_ID.to_string());
    }
    message
}

fn user_message(id: u64, content: &str, author: Value, in_guild: bool, mentions_bot: bool) -> Value {
    let channel = if in_guild {
        FakeDiscord::CHANNEL_ID
    } else {
        FakeDiscord::DM_CHANNEL_ID
    };
    let mut message = message_object(id, channel, author, content, in_guild);
    if mentions_bot {
        message["mentions"] = json!([bot_user()]);
    }
    if in_guild {
        let mut member = guild_member(Value::Null, &[]);
        member.as_object_mut().unwrap().remove("user");
        message["member"] = member;
    }
    message
}

/// A MESSAGE_CREATE payload from `USER_ID` (not a bot): in the guild channel with `member` if
/// `in_guild`, else in the DM channel. `mentions_bot` only fills `mentions`: put the
/// `<@BOT_ID>` text in `content` yourself.
pub fn message(id: u64, content: &str, mentions_bot: bool, in_guild: bool) -> Value {
    user_message(id, content, normal_user(), in_guild, mentions_bot)
}

/// A MESSAGE_CREATE payload in the guild channel from another bot (`author.bot = true`).
pub fn bot_message(id: u64, content: &str) -> Value {
    user_message(id, content, user(OTHER_BOT_ID, "otherbot", true), true, false)
}

/// The fields every INTERACTION_CREATE needs; `in_guild` selects `member` + `guild_id` (the
/// guild channel) or `user` (the DM channel).
fn interaction(id: u64, kind: u8, data: Value, in_guild: bool) -> Value {
    let mut interaction = json!({
        "id": id.to_string(),
        "application_id": FakeDiscord::APP_ID.to_string(),
        "type": kind,
        "data": data,
        "token": format!("tok-{id}"),
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 26214400,
        "app_permissions": MEMBER_PERMISSIONS,
    });
    if in_guild {
        let mut member = guild_member(normal_user(), &[]);
        member["permissions"] = json!(MEMBER_PERMISSIONS);
        interaction["member"] = member;
        interaction["guild_id"] = json!(FakeDiscord::GUILD_ID.to_string());
        interaction["channel_id"] = json!(FakeDiscord::CHANNEL_ID.to_string());
        interaction["guild_locale"] = json!("en-US");
        interaction["context"] = json!(0);
        interaction["authorizing_integration_owners"] = json!({"0": FakeDiscord::GUILD_ID.to_string()});
    } else {
        interaction["user"] = normal_user();
        interaction["channel_id"] = json!(FakeDiscord::DM_CHANNEL_ID.to_string());
        interaction["context"] = json!(1);
        interaction["authorizing_integration_owners"] = json!({"1": FakeDiscord::USER_ID.to_string()});
    }
    interaction
}

fn command_data(name: &str, options: Value, in_guild: bool) -> Value {
    let mut data = json!({"id": COMMAND_ID.to_string(), "name": name, "type": 1, "options": options});
    if in_guild {
        data["guild_id"] = json!(FakeDiscord::GUILD_ID.to_string());
    }
    data
}

/// An INTERACTION_CREATE for the "Ask rolecall" message command (type 3) used on the guild
/// message `target` holding `text`, with the message in `data.resolved` as Discord sends it.
pub fn message_menu(id: u64, target: u64, text: &str) -> Value {
    let message = message(target, text, false, true);
    let mut menu = slash_command(id, "Ask rolecall", json!([]), true);
    menu["data"]["type"] = json!(3);
    menu["data"]["target_id"] = json!(target.to_string());
    menu["data"]["resolved"] = json!({"messages": {target.to_string(): message}});
    menu["data"].as_object_mut().unwrap().remove("options");
    menu
}

/// An INTERACTION_CREATE for the slash command `name` (type 2) with `options` as Discord sends
/// them in `data.options`, from `USER_ID`; its token is `tok-{id}`.
pub fn slash_command(id: u64, name: &str, options: Value, in_guild: bool) -> Value {
    interaction(id, 2, command_data(name, options, in_guild), in_guild)
}

/// An autocomplete INTERACTION_CREATE (type 4) in the guild; mark the focused option
/// `"focused": true` in `options`.
pub fn autocomplete(id: u64, name: &str, options: Value) -> Value {
    interaction(id, 4, command_data(name, options, true), true)
}

/// A component INTERACTION_CREATE (type 3) in the guild from `USER_ID` on the bot's message
/// `message_id` (`component_type` 2 = button, 3 = string select with `values`).
pub fn component(id: u64, custom_id: &str, component_type: u8, values: &[&str], message_id: u64) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": component_type, "values": values});
    let mut interaction = interaction(id, 3, data, true);
    let mut message = message_object(message_id, FakeDiscord::CHANNEL_ID, bot_user(), "", true);
    message["application_id"] = json!(FakeDiscord::APP_ID.to_string());
    interaction["message"] = message;
    interaction
}
