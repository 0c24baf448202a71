//! The extension across page changes: a page that leaves right after showing the token, a
//! server-rendered form that redirects, and an application that reaches the token page with
//! `history.pushState` instead of a page load.

use std::thread;

use e2e::{
    assert_saved_once, expect_saved_notice, expect_saved_record, wait_until, After, Browser,
    ClassicPage, Kind, OauthPage, PageOptions, Server, Show, DASHBOARD, READING_THE_PAGE,
    SAVE_TIMEOUT,
};

const ACME: &str = "acme.intratool.de";

e2e::in_each_browser!(
    saves_a_token_the_page_leaves_50_ms_after_showing_it,
    saves_a_token_from_a_form_post_and_redirect_with_the_typed_name,
    saves_a_token_created_after_reaching_the_page_by_push_state,
);

fn saves_a_token_the_page_leaves_50_ms_after_showing_it(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let options = PageOptions {
        show: Show::Insert,
        after: After::Leave,
        ..PageOptions::default()
    };
    let page = OauthPage::open(browser.session(), &server, ACME, options)?;

    page.submit_token("Export")?;
    let issued = server.wait_for_issued(0, SAVE_TIMEOUT)?;
    // Looking at storage opens another tab, and a background tab's timers are slowed; the page
    // must have left before the first look.
    wait_until("the page to go to the dashboard", SAVE_TIMEOUT, || {
        let url = browser.session().current_url()?;
        Ok(url.ends_with(DASHBOARD).then_some(()))
    })?;

    let dump = expect_saved_record(&browser, &issued, SAVE_TIMEOUT);
    assert_saved_once(&dump, &issued, "Export");
    Ok(())
}

fn saves_a_token_from_a_form_post_and_redirect_with_the_typed_name(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let page = ClassicPage::open(browser.session(), &server, ACME)?;
    thread::sleep(READING_THE_PAGE);

    let issued = page.create_token("Lohnexport")?;

    let dump = expect_saved_record(&browser, &issued, SAVE_TIMEOUT);
    assert_saved_once(&dump, &issued, "Lohnexport");
    Ok(())
}

fn saves_a_token_created_after_reaching_the_page_by_push_state(kind: Kind) -> e2e::Result<()> {
    let server = Server::start()?;
    let browser = Browser::launch(kind)?;
    let page = OauthPage::open_in_app(browser.session(), &server, ACME)?;
    thread::sleep(READING_THE_PAGE);

    let issued = page.create_token("Schichtplan App")?;

    expect_saved_notice(&browser, &page, SAVE_TIMEOUT);
    let dump = browser.storage_dump()?;
    assert_saved_once(&dump, &issued, "Schichtplan App");
    Ok(())
}
