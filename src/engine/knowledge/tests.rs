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
