//! The local console: questions typed in a terminal, answered with the same engine and
//! the same text the bot would send. It is what `cargo run` starts without a Discord token.

use std::io::{BufRead, Write};
use std::time::Instant;

use crate::engine::follow_up::{Previous, FOLLOW_UP_WINDOW};
use crate::live_knowledge::LiveKnowledge;

/// Reads questions from `input` until end of input or `quit`, answering each on `output`
/// from the knowledge in service at that moment. With `follow_ups`, a question may lean on
/// the last answered one ("and their salary?") for [`FOLLOW_UP_WINDOW`].
pub fn run(
    live: &LiveKnowledge,
    follow_ups: bool,
    input: impl BufRead,
    mut output: impl Write,
) -> std::io::Result<()> {
    write!(output, "> ")?;
    output.flush()?;
    // The last answered question, for follow-ups ("and their salary?").
    let mut previous: Option<(Instant, Previous)> = None;
    for line in input.split(b'\n') {
        let line = String::from_utf8_lossy(&line?).trim().to_string();
        let engine = live.engine();
        // Commands are matched without case; a question goes to the engine as typed, so
        // "what does an LP do?" reads its capitals as it does in `ask` and on Discord.
        match line.to_lowercase().as_str() {
            "quit" | "exit" => break,
            "" => {}
            "roles" => {
                for role in &engine.knowledge().roles {
                    writeln!(output, "- {} ({})", role.name, role.id)?;
                }
            }
            "help" => writeln!(output, "{}\n", engine.render_text(&engine.help()))?,
            _ => {
                let asked = previous.take().filter(|(at, _)| at.elapsed() < FOLLOW_UP_WINDOW);
                let answer = engine.answer_after(
                    &crate::markup::strip_markup(&line),
                    None,
                    asked.as_ref().map(|(_, p)| p),
                );
                previous = Previous::of(&answer)
                    .filter(|_| follow_ups)
                    .map(|p| (Instant::now(), p))
                    .or(asked);
                writeln!(output, "{}\n", engine.render_text(&answer))?;
            }
        }
        write!(output, "> ")?;
        output.flush()?;
    }
    writeln!(output)?;
    Ok(())
}
