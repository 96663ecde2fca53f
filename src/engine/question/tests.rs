use super::*;

use crate::engine::knowledge::{Knowledge, Role};

fn read(question: &str) -> Question {
    let role = |id: &str, name: &str| Role {
        id: id.into(),
        name: name.into(),
        ..Role::default()
    };
    let roles = vec![
        role("travel-nurse", "Travel nurse"),
        role("location-manager", "Location manager"),
        role("ward-nurse", "Ward nurse"),
    ];
    let (knowledge, _) = Knowledge::new(roles, Vec::new());
    let terms = AspectTerms::build(&knowledge);
    parse(question, &Matcher::new(&knowledge), None, &terms)
}

#[test]
fn words_of_a_role_name_are_not_aspect_words() {
    assert_eq!(read("what does a travel nurse do?").aspect, Aspect::Duties);
    assert_eq!(read("what does a locations manager do?").aspect, Aspect::Duties);
    assert_eq!(read("travel nurse vs ward nurse").aspect, Aspect::Overview);
    assert_eq!(
        read("does a ward nurse travel a lot?").aspect,
        Aspect::Environment
    );
}

#[test]
fn the_question_outweighs_its_context() {
    let long = "I've saved a lot of money and my salary now is fine. I'm tired of the office. \
                What does a ward nurse do?";
    assert_eq!(read(long).aspect, Aspect::Duties);
    let unmarked = "my pay is awful at the moment\nhow do I become a ward nurse";
    assert_eq!(read(unmarked).aspect, Aspect::Requirements);
    assert_eq!(read("ward nurse salary").aspect, Aspect::Salary);
}

#[test]
fn a_clipped_or_slipped_role_word_is_read_when_the_rest_is_typed_in_full() {
    let found = |q: &str| -> Vec<usize> {
        read(q)
            .found
            .iter()
            .filter_map(|f| match f {
                Found::Role(m) => Some(m.role),
                Found::Ambiguous(_) => None,
            })
            .collect()
    };
    assert_eq!(found("loc manager hours"), [1]);
    assert_eq!(found("loc. manager hours"), [1]);
    assert_eq!(found("wrad nurse pay"), [2]);
    assert_eq!(found("loc mgr"), Vec::<usize>::new());
    assert_eq!(
        found("word nurse"),
        Vec::<usize>::new(),
        "a substitution is another word"
    );
}

#[test]
fn a_qualifier_after_an_article_makes_another_job_unless_it_is_a_medium_or_a_judgement() {
    assert_eq!(
        read("how much does a digital ward nurse earn").qualified,
        Some(("digital".into(), 2))
    );
    assert_eq!(read("how much does a freelance ward nurse earn").qualified, None);
    assert_eq!(read("what does a good ward nurse do").qualified, None);
    assert_eq!(read("describe ward nurse duties").qualified, None);
}
