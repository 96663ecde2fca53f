use super::*;

fn problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    parse_role(Path::new("roles/x.md"), text, &mut problems);
    problems.into_iter().map(|p| p.to_string()).collect()
}

const GOOD: &str = "+++\nid = \"x\"\nname = \"X\"\nsources = [\"s\"]\n+++\n## Overview\na\n## Duties\nb\n## Requirements\nc\n## Work environment\nd\n## Skills\ne\n## Salary\nf\n";

#[test]
fn a_complete_role_has_no_problems() {
    assert_eq!(problems(GOOD), Vec::<String>::new());
}

#[test]
fn problems_carry_file_and_line() {
    let bad = GOOD
        .replace("name = \"X\"", "name = 5")
        .replace("## Skills\ne\n", "## Hobbies\ne\n");
    assert_eq!(
        problems(&bad),
        vec!["roles/x.md:3: front matter: invalid type: integer `5`, expected a string".to_string(),]
    );
    let bad = GOOD.replace("## Skills\ne\n", "## Hobbies\ne\n");
    let found = problems(&bad);
    assert!(
        found
            .iter()
            .any(|p| p.starts_with("roles/x.md:14: unknown section \"Hobbies\"")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("missing section \"## Skills\"")),
        "{found:?}"
    );
}

#[test]
fn missing_front_matter_and_empty_sections_are_reported() {
    assert_eq!(
        problems("## Overview\nx\n"),
        vec!["roles/x.md:1: file must start with TOML front matter between `+++` lines"]
    );
    let empty = GOOD.replace("## Salary\nf\n", "## Salary\n\n");
    assert_eq!(
        problems(&empty),
        vec!["roles/x.md:16: section \"Salary\" is empty"]
    );
}

#[test]
fn salary_may_be_one_table_with_a_numeric_year_and_a_common_period_spelling() {
    let one = GOOD.replace(
        "sources = [\"s\"]\n",
        "sources = [\"s\"]\n[salary]\nmedian = 50000\ncurrency = \"USD\"\nperiod = \"annual\"\nyear = 2021\nsource = \"s\"\n",
    );
    let mut problems = Vec::new();
    let role = parse_role(Path::new("roles/x.md"), &one, &mut problems).expect("parses");
    assert_eq!(problems, Vec::new());
    assert_eq!(
        (
            role.salary.len(),
            role.salary[0].period.as_str(),
            role.salary[0].year.as_str()
        ),
        (1, "year", "2021")
    );
}

#[test]
fn a_bad_figure_in_a_salary_array_names_its_field() {
    let bad = GOOD.replace(
        "sources = [\"s\"]\n",
        "sources = [\"s\"]\n[[salary]]\nmedian = \"lots\"\ncurrency = \"USD\"\nperiod = \"year\"\nyear = \"2021\"\nsource = \"s\"\n",
    );
    let found = problems(&bad);
    assert!(
        found.len() == 1 && found[0].contains("front matter: invalid type: string \"lots\", expected f64"),
        "{found:?}"
    );
}

fn role(id: &str, name: &str, aliases: &[&str]) -> Role {
    let mut problems = Vec::new();
    let text = GOOD.replace("id = \"x\"", &format!("id = \"{id}\"")).replace(
        "name = \"X\"",
        &format!("name = \"{name}\"\naliases = {aliases:?}"),
    );
    let role = parse_role(Path::new(&format!("roles/{id}.md")), &text, &mut problems);
    assert_eq!(problems, Vec::new());
    role.expect("parses")
}

#[test]
fn clashes_carry_the_ids_and_say_the_messages_of_the_files() {
    let mut linked = role("b", "Beta", &[]);
    linked.leads_to = vec!["b".into(), "nobody".into()];
    let comparison = |a: &str, b: &str| Comparison {
        roles: [a.into(), b.into()],
        sources: vec!["s".into()],
        sections: Default::default(),
    };
    let (knowledge, clashes) = Knowledge::new(
        vec![role("a", "Alpha", &[]), linked, role("a", "Alpha two", &[])],
        vec![
            comparison("a", "ghost"),
            comparison("a", "b"),
            comparison("b", "a"),
        ],
    );
    assert_eq!(knowledge.roles.len(), 2);
    let id = |id: &str| id.to_string();
    assert_eq!(
        clashes,
        [
            Clash::DuplicateId { role: 2, id: id("a") },
            Clash::SelfLink { role: 1, id: id("b") },
            Clash::UnknownCareerRole {
                role: 1,
                id: id("nobody")
            },
            Clash::UnknownComparedRole {
                comparison: 0,
                id: id("ghost")
            },
            Clash::SecondComparison {
                comparison: 2,
                roles: [id("b"), id("a")]
            },
        ]
    );
    let messages: Vec<String> = clashes.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "duplicate role id \"a\"",
            "career path links role \"b\" to itself",
            "career path names unknown role id \"nobody\"",
            "comparison names unknown role id \"ghost\"",
            "a second comparison of b and a",
        ]
    );
    let inputs: Vec<Input> = clashes.iter().map(Clash::input).collect();
    assert_eq!(
        inputs,
        [
            Input::Role(2),
            Input::Role(1),
            Input::Role(1),
            Input::Comparison(0),
            Input::Comparison(2)
        ]
    );
}

#[test]
fn a_career_cycle_is_one_clash_that_names_the_roles_along_it() {
    let mut a = role("a", "Alpha", &[]);
    a.leads_to = vec!["b".into()];
    let mut b = role("b", "Beta", &[]);
    b.leads_to = vec!["a".into()];
    let (knowledge, clashes) = Knowledge::new(vec![a, b], vec![]);
    assert_eq!(
        clashes.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["career paths form a cycle: a → b → a"]
    );
    assert!(knowledge.next_roles(0).is_empty());
}

#[test]
fn a_phrase_names_one_role_and_its_first_owner_keeps_it() {
    let (knowledge, clashes) = Knowledge::new(
        vec![
            role("a", "Alpha", &["The Boss"]),
            role("b", "Beta", &["bosses", "the-boss"]),
        ],
        vec![],
    );
    assert_eq!(
        clashes,
        [Clash::NameTaken {
            role: 1,
            phrase: "the-boss".into(),
            owner: "a".into()
        }]
    );
    assert_eq!(
        clashes[0].to_string(),
        "alias \"the-boss\" is also a name or alias of role \"a\""
    );
    let owner = |phrase: &str| knowledge.name_owner(phrase).map(|r| r.id.as_str());
    assert_eq!(owner("the bosses"), Some("a"));
    assert_eq!(owner("ALPHA"), Some("a"));
    assert_eq!(owner("boss"), Some("b"));
    assert_eq!(owner("gamma"), None);
    assert_eq!(owner("?"), None);
}

#[test]
fn a_role_repeating_its_own_name_is_no_clash() {
    let (_, clashes) = Knowledge::new(vec![role("a", "Alpha", &["alpha", "Alphas"])], vec![]);
    assert_eq!(clashes, []);
}

#[test]
fn an_id_may_be_as_long_as_the_limit() {
    let longest = "a".repeat(MAX_ID_LEN);
    assert!(is_valid_id(&longest) && !is_valid_id(&format!("{longest}a")));
    assert!(!is_valid_id("-a") && !is_valid_id("a-") && !is_valid_id("A") && !is_valid_id(""));
}
