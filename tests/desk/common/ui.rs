//! Driving the desk window in tests by the labels a person sees.

use egui::accesskit::Role as A11yRole;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wuye_desk::ui::{DeskApp, setup_context};

/// The desk window at an office PC's size, with the shipped font and theme.
pub fn harness(app: DeskApp) -> Harness<'static, DeskApp> {
    Harness::builder()
        .with_size([1280.0, 900.0])
        .with_context_setup(setup_context)
        .build_ui_state(|ui, app: &mut DeskApp| app.ui(ui), app)
}

/// The text or password field with this label.
pub fn field<'a>(h: &'a Harness<'_, DeskApp>, label: &'a str) -> egui_kittest::Node<'a> {
    h.query_by_role_and_label(A11yRole::TextInput, label)
        .or_else(|| h.query_by_role_and_label(A11yRole::PasswordInput, label))
        .unwrap_or_else(|| panic!("no field labelled {label}"))
}

/// Clicks into a field and types.
pub fn type_into(h: &mut Harness<'_, DeskApp>, label: &str, text: &str) {
    field(h, label).click();
    h.run();
    field(h, label).type_text(text);
    h.run();
}

/// Clicks into a field, deletes the `old_len` characters typed there, and types `text`.
pub fn retype(h: &mut Harness<'_, DeskApp>, label: &str, old_len: usize, text: &str) {
    field(h, label).click();
    h.run();
    h.key_press(egui::Key::End);
    for _ in 0..old_len {
        h.key_press(egui::Key::Backspace);
    }
    h.run();
    field(h, label).type_text(text);
    h.run();
}

/// Clicks the button with this label.
pub fn click(h: &mut Harness<'_, DeskApp>, label: &str) {
    h.get_by_role_and_label(A11yRole::Button, label).click();
    h.run();
}

/// Opens a labelled combo box and picks an option.
pub fn choose(h: &mut Harness<'_, DeskApp>, combo: &str, option: &str) {
    h.get_by_role_and_label(A11yRole::ComboBox, combo).click();
    h.run();
    h.get_by_label(option).click();
    h.run();
}

/// Logs in on the login screen.
pub fn log_in(h: &mut Harness<'_, DeskApp>, login: &str, password: &str) {
    type_into(h, "登录名", login);
    type_into(h, "密码", password);
    click(h, "登录");
}

/// Draws frames until a label containing `text` shows, for work the window does on a worker
/// thread while a spinner repaints (frames are stepped, not run until they settle); fails
/// after a minute.
pub fn wait_for(h: &mut Harness<'_, DeskApp>, text: &str) {
    let start = std::time::Instant::now();
    loop {
        h.run_steps(2);
        if h.query_by_label_contains(text).is_some() {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(60),
            "{text} did not show within a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
