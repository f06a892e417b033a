//! Search as you type: one index over unit codes, people's names, phones, plates and the
//! pinyin initials of names (`zsf` finds 张三丰). Built once from the archive, queried on
//! every keystroke.

use super::pinyin::initials;

/// What one unit offers to the search box.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchSource {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// Current people: (role, name, phone).
    pub people: Vec<(String, String, String)>,
    /// Current plates.
    pub plates: Vec<String>,
}

/// One hit: the unit and the line to show for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// What matched, e.g. `业主 张三丰 13800138000`.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Code,
    Name(usize),
    Initials(usize),
    Phone(usize),
    Plate(usize),
}

#[derive(Debug, Clone)]
struct Doc {
    unit_id: i64,
    unit_code: String,
    people: Vec<(String, String, String)>,
    plates: Vec<String>,
    /// Lower-cased search keys with what they are.
    keys: Vec<(String, KeyKind)>,
}

/// The search index.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
}

impl SearchIndex {
    /// Builds the index.
    #[must_use]
    pub fn build(sources: Vec<SearchSource>) -> Self {
        let docs = sources
            .into_iter()
            .map(|s| {
                let mut keys = vec![(s.unit_code.to_lowercase(), KeyKind::Code)];
                for (i, (_, name, phone)) in s.people.iter().enumerate() {
                    keys.push((name.to_lowercase(), KeyKind::Name(i)));
                    let ini = initials(name);
                    if !ini.is_empty() {
                        keys.push((ini, KeyKind::Initials(i)));
                    }
                    if !phone.is_empty() {
                        keys.push((phone.replace('-', ""), KeyKind::Phone(i)));
                    }
                }
                for (i, plate) in s.plates.iter().enumerate() {
                    keys.push((plate.to_lowercase(), KeyKind::Plate(i)));
                }
                Doc {
                    unit_id: s.unit_id,
                    unit_code: s.unit_code,
                    people: s.people,
                    plates: s.plates,
                    keys,
                }
            })
            .collect();
        Self { docs }
    }

    /// Number of units indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the index is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Up to `limit` units matching `query`, best first: exact matches, then keys starting
    /// with the query, then keys containing it; ties in walking order of the code.
    #[must_use]
    pub fn query(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let q: String = query
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '·')
            .collect();
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        let mut scored: Vec<(u8, usize, KeyKind)> = Vec::new();
        for (i, doc) in self.docs.iter().enumerate() {
            let mut best: Option<(u8, KeyKind)> = None;
            for (key, kind) in &doc.keys {
                let rank = if *key == q {
                    0
                } else if key.starts_with(&q) {
                    1
                } else if key.contains(&q) {
                    2
                } else {
                    continue;
                };
                if best.is_none_or(|(r, _)| rank < r) {
                    best = Some((rank, *kind));
                }
                if rank == 0 {
                    break;
                }
            }
            if let Some((rank, kind)) = best {
                scored.push((rank, i, kind));
            }
        }
        scored.sort_by_key(|(rank, i, _)| (*rank, *i));
        scored
            .into_iter()
            .take(limit)
            .filter_map(|(_, i, kind)| self.docs.get(i).map(|d| hit(d, kind)))
            .collect()
    }
}

fn hit(doc: &Doc, kind: KeyKind) -> SearchHit {
    let person = |i: usize| {
        doc.people
            .get(i)
            .map(|(role, name, phone)| format!("{role} {name} {phone}").trim_end().to_string())
            .unwrap_or_default()
    };
    let detail = match kind {
        KeyKind::Code => doc
            .people
            .first()
            .map(|(role, name, _)| format!("{role} {name}"))
            .unwrap_or_default(),
        KeyKind::Name(i) | KeyKind::Initials(i) | KeyKind::Phone(i) => person(i),
        KeyKind::Plate(i) => doc
            .plates
            .get(i)
            .map(|p| format!("车牌 {p}"))
            .unwrap_or_default(),
    };
    SearchHit {
        unit_id: doc.unit_id,
        unit_code: doc.unit_code.clone(),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        SearchIndex::build(vec![
            SearchSource {
                unit_id: 1,
                unit_code: "3栋2单元1502".into(),
                people: vec![
                    ("业主".into(), "张三丰".into(), "13800138000".into()),
                    ("租户".into(), "李四".into(), "0755-12345678".into()),
                ],
                plates: vec!["粤B12345".into()],
            },
            SearchSource {
                unit_id: 2,
                unit_code: "3栋2单元150".into(),
                people: vec![("业主".into(), "王五".into(), String::new())],
                plates: vec![],
            },
        ])
    }

    #[test]
    fn finds_by_pinyin_initials_name_phone_plate_and_code() {
        let idx = index();
        let by_initials = idx.query("zsf", 10);
        assert_eq!(by_initials.len(), 1);
        assert_eq!(by_initials[0].unit_code, "3栋2单元1502");
        assert!(by_initials[0].detail.contains("张三丰"));
        assert_eq!(idx.query("李四", 10)[0].unit_id, 1);
        assert_eq!(idx.query("075512345678", 10)[0].unit_id, 1);
        assert_eq!(idx.query("0755-1234", 10)[0].unit_id, 1);
        assert_eq!(idx.query("粤b123", 10)[0].detail, "车牌 粤B12345");
        assert!(idx.query("不存在", 10).is_empty());
    }

    #[test]
    fn exact_code_ranks_before_longer_codes() {
        let idx = index();
        let hits = idx.query("3栋2单元150", 10);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].unit_id, 2);
        assert_eq!(hits[1].unit_id, 1);
    }
}
