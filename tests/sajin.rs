//! The main job: the Sajin Street scenario reproduces the seed article's figures, from the
//! library's own statistics over the simulated cases, and every trace verifies.

use fengqiao::dispute::Category;
use fengqiao_synth::sajin;

/// One run of the scenario, shared by the tests (it is the expensive part).
fn scenario() -> &'static sajin::Scenario {
    static RUN: std::sync::OnceLock<sajin::Scenario> = std::sync::OnceLock::new();
    RUN.get_or_init(|| sajin::run(2023).unwrap())
}

#[test]
fn sajin_reproduces_the_article() {
    let s = scenario();
    let f = sajin::figures(s).unwrap();
    let t = f.totals.total.counts;
    // 排查矛盾纠纷问题1587起，调处1045件，稳控542件，实现稳控化解全覆盖。
    assert_eq!(t.screened, 1587);
    assert_eq!(t.mediated, 1045);
    assert_eq!(t.succeeded, 1045);
    assert_eq!(t.stabilised, 542);
    assert!((f.totals.total.rates.coverage - 1.0).abs() < 1e-12);
    // 2023年以来，共组织调解婚恋纠纷186件、邻里纠纷34件、劳动争议68件、物业纠纷22件、教育领域纠纷17件。
    for (category, n) in sajin::ARTICLE_2023 {
        let row = f
            .by_category_2023
            .rows
            .iter()
            .find(|r| r.category == Some(category))
            .unwrap();
        assert_eq!(row.counts.mediated, n, "{category}");
        assert_eq!(row.counts.screened, n, "{category}");
    }
    // 2023年以来，共联合调处重大疑难复杂矛盾12件，均全部成功化解。
    assert_eq!(f.totals_2023.total.counts.joint, 12);
    assert_eq!(f.joint_resolved_2023(s), 12);
    assert_eq!(t.joint, 12, "no other year has joint cases in the scenario");
    // Roll-ups: the five villages/communities add up to the street.
    assert_eq!(f.by_community.rows.len(), 5);
    assert_eq!(
        f.by_community
            .rows
            .iter()
            .map(|r| r.counts.screened)
            .sum::<u64>(),
        1587
    );
    assert_eq!(
        f.by_community
            .rows
            .iter()
            .map(|r| r.counts.stabilised)
            .sum::<u64>(),
        542
    );
    // 问题化解网上留痕: every trace verifies and replays to its live state.
    assert_eq!(f.traces_verified, 1587);
    // 小事不出社区、大事不出街道: most stay in the community, nearly all in the street.
    assert!(f.totals.total.rates.in_community > 0.5);
    assert!(f.totals.total.rates.in_street > 0.99);
    // A life, not a construction: stabilised cases are reviewed on schedule (a few slip),
    // some mediations fail and are terminated before the parties try again, some closed
    // disputes flare up and are reopened — and the article's figures still hold.
    assert!(f.reviews > 5_000, "{}", f.reviews);
    assert!(f.reviews_overdue < 10, "{}", f.reviews_overdue);
    assert!(f.terminations > 0 && f.reopened > f.terminations as u64);
    let retried = s
        .engine
        .cases()
        .filter(|c| {
            c.dispute
                .previous
                .iter()
                .any(|p| p.state == fengqiao::lifecycle::State::Terminated)
        })
        .filter(|c| c.dispute.agreement.is_some())
        .count();
    assert_eq!(
        retried, f.terminations,
        "every failed mediation was mediated again"
    );
    // Zero reports were filed every working day by every head and grid worker (a few missed).
    assert!(f.reports_filed > 1_800_000, "{}", f.reports_filed);
    // The printed report carries the figures.
    let text = f.to_text(s);
    assert!(text.contains("排查 screened        1587"), "{text}");
    assert!(text.contains("稳控化解覆盖率 coverage 100.0%"));
    assert!(text.contains(&format!("稳控复查 reviews held {}", f.reviews)));
    assert!(text.contains("超期 overdue now: red"));
    assert_eq!(Category::Education.moj(), Category::Other);
}

/// A restart: the scenario rebuilt from its world document and its journal gives the same
/// figures, the same heads and the same journal digest.
#[test]
fn sajin_restored_from_its_journal_gives_the_same_figures() {
    let s = scenario();
    let r = sajin::restored(s).unwrap();
    assert_eq!(r.engine.journal_digest(), s.engine.journal_digest());
    assert_eq!(
        sajin::figures(&r).unwrap().to_text(&r),
        sajin::figures(s).unwrap().to_text(s)
    );
    for (a, b) in s.engine.cases().zip(r.engine.cases()) {
        assert_eq!(a.head(), b.head());
        assert_eq!(a.dispute, b.dispute);
    }
    let loads = |e: &fengqiao::engine::Engine| {
        e.all_staff()
            .iter()
            .map(|s| s.active_cases)
            .collect::<Vec<_>>()
    };
    assert_eq!(loads(&r.engine), loads(&s.engine));
}
