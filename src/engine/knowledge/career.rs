//! The career graph: which roles usually lead to which, from the `leads_to` and
//! `comes_from` lists of the role files, with the checks that keep it a ladder (known
//! roles, no role leading to itself, no cycles).

use std::collections::HashMap;

use super::validate::Clash;
use super::Knowledge;

impl Knowledge {
    /// Builds the career-step graph from `leads_to` and `comes_from`, reporting links to
    /// unknown roles and cycles. `inputs[i]` is the input position of `roles[i]`. A graph
    /// with a cycle is not kept: no role then has career steps.
    pub(super) fn link_career_paths(&mut self, inputs: &[usize]) -> Vec<Clash> {
        let mut problems = Vec::new();
        let mut next = vec![Vec::new(); self.roles.len()];
        for (i, role) in self.roles.iter().enumerate() {
            let links = role
                .leads_to
                .iter()
                .map(|id| (id, true))
                .chain(role.comes_from.iter().map(|id| (id, false)));
            for (id, forward) in links {
                let (input, id) = (inputs[i], id.as_str());
                match self.index(id) {
                    Some(j) if j == i => problems.push(Clash::SelfLink {
                        role: input,
                        id: id.to_string(),
                    }),
                    Some(j) if forward => next[i].push(j),
                    Some(j) => next[j].push(i),
                    None => problems.push(Clash::UnknownCareerRole {
                        role: input,
                        id: id.to_string(),
                    }),
                }
            }
        }
        for steps in &mut next {
            steps.sort_unstable();
            steps.dedup();
        }
        if let Some(cycle) = find_cycle(&next) {
            problems.push(Clash::Cycle {
                role: inputs[cycle[0]],
                cycle: cycle.iter().map(|&i| self.roles[i].id.clone()).collect(),
            });
        } else {
            self.next = next;
        }
        problems
    }

    /// Roles that role `i` usually leads to.
    pub fn next_roles(&self, i: usize) -> &[usize] {
        self.next.get(i).map_or(&[], Vec::as_slice)
    }

    /// Roles that usually lead to role `i`.
    pub fn previous_roles(&self, i: usize) -> Vec<usize> {
        (0..self.next.len())
            .filter(|&j| self.next[j].contains(&i))
            .collect()
    }

    /// A typical ladder up to role `i`, from the lowest step: the longest chain of
    /// earlier roles, ending with `i` itself.
    pub fn ladder_to(&self, i: usize) -> Vec<usize> {
        let mut memo: HashMap<usize, Vec<usize>> = HashMap::new();
        self.longest_path_to(i, &mut memo)
    }

    fn longest_path_to(&self, i: usize, memo: &mut HashMap<usize, Vec<usize>>) -> Vec<usize> {
        if let Some(path) = memo.get(&i) {
            return path.clone();
        }
        let mut best: Vec<usize> = Vec::new();
        for j in self.previous_roles(i) {
            let path = self.longest_path_to(j, memo);
            if path.len() > best.len() {
                best = path;
            }
        }
        best.push(i);
        memo.insert(i, best.clone());
        best
    }
}

/// A cycle in the step graph, as the roles along it (first repeated at the end), if any.
fn find_cycle(next: &[Vec<usize>]) -> Option<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; next.len()];
    for start in 0..next.len() {
        if marks[start] != Mark::New {
            continue;
        }
        // Depth-first, with an explicit stack of (role, next edge to follow).
        let mut stack = vec![(start, 0)];
        marks[start] = Mark::Open;
        while let Some(&mut (role, ref mut edge)) = stack.last_mut() {
            match next[role].get(*edge).copied() {
                Some(step) => {
                    *edge += 1;
                    match marks[step] {
                        Mark::New => {
                            marks[step] = Mark::Open;
                            stack.push((step, 0));
                        }
                        Mark::Open => {
                            let from = stack.iter().position(|&(r, _)| r == step).unwrap_or(0);
                            let mut cycle: Vec<usize> = stack[from..].iter().map(|&(r, _)| r).collect();
                            cycle.push(step);
                            return Some(cycle);
                        }
                        Mark::Done => {}
                    }
                }
                None => {
                    marks[role] = Mark::Done;
                    stack.pop();
                }
            }
        }
    }
    None
}
