//! The local console: questions typed in a terminal, answered with the same engine and
//! the same text the bot would send. It is what `cargo run` starts without a Discord token.

use std::io::{BufRead, Write};

use crate::live_knowledge::LiveKnowledge;

/// Reads questions from `input` until end of input or `quit`, answering each on `output`
/// from the knowledge in service at that moment.
pub fn run(live: &LiveKnowledge, input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    write!(output, "> ")?;
    output.flush()?;
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
                let answer = engine.answer(&crate::markup::strip_markup(&line));
                writeln!(output, "{}\n", engine.render_text(&answer))?;
            }
        }
        write!(output, "> ")?;
        output.flush()?;
    }
    writeln!(output)?;
    Ok(())
}
