-- wuye-desk database schema: the one source of it.
--
-- The file is a list of versions. Each `-- @version N` section upgrades a database from
-- version N-1 to N, and opening a database runs the sections it lacks in one transaction,
-- then sets PRAGMA user_version = N. A new database runs them all.
-- Shipped sections are never edited: a change to the schema is a new section at the end.
--
-- Conventions: money is integer fen (amount_fen), areas integer hundredths of m²
-- (area_centi_m2), dates 'YYYY-MM-DD', times 'YYYY-MM-DD HH:MM:SS' (office local time).
-- Every row records who wrote it (operator id) and when.

-- @version 1

-- The property office this file belongs to (exactly one row).
CREATE TABLE office (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    address     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
    created_at  TEXT NOT NULL
);

-- People who log in at the desk.
CREATE TABLE operator (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(login)) > 0),
    name           TEXT NOT NULL CHECK (length(trim(name)) > 0),
    role           TEXT NOT NULL CHECK (role IN ('客服', '主管')),
    password_hash  TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL,
    created_by     INTEGER REFERENCES operator(id)
);

-- Buildings (楼栋), also 商业街 / 地下车库 for shops and parking spaces.
CREATE TABLE building (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES operator(id)
);

-- Units (单元/房号): flats, shops and parking spaces.
CREATE TABLE unit (
    id             INTEGER PRIMARY KEY,
    building_id    INTEGER NOT NULL REFERENCES building(id),
    code           TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 30),
    kind           TEXT NOT NULL CHECK (kind IN ('住宅', '店面', '车位')),
    area_centi_m2  INTEGER CHECK (area_centi_m2 IS NULL OR area_centi_m2 > 0),
    status         TEXT NOT NULL CHECK (status IN ('未交房', '空置', '装修中', '已入住', '出租')),
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES operator(id),
    updated_at     TEXT NOT NULL,
    updated_by     INTEGER NOT NULL REFERENCES operator(id)
);
CREATE INDEX unit_building ON unit(building_id);

-- Owners, co-residents and tenants. ID numbers are stored in full and masked on display.
CREATE TABLE person (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    phone       TEXT NOT NULL DEFAULT '',
    id_number   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES operator(id),
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES operator(id)
);

-- Who belongs to a unit, and since when. Ownership is never overwritten: a transfer ends
-- the old rows (end_date, end_reason) and starts new ones.
CREATE TABLE occupancy (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    person_id   INTEGER NOT NULL REFERENCES person(id),
    role        TEXT NOT NULL CHECK (role IN ('业主', '同住', '租户')),
    start_date  TEXT NOT NULL,
    end_date    TEXT CHECK (end_date IS NULL OR end_date >= start_date),
    end_reason  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES operator(id),
    ended_at    TEXT,
    ended_by    INTEGER REFERENCES operator(id)
);
CREATE INDEX occupancy_unit ON occupancy(unit_id, end_date);
CREATE INDEX occupancy_person ON occupancy(person_id);

-- Vehicles registered to a unit. A plate is on at most one current registration.
CREATE TABLE vehicle (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    person_id   INTEGER REFERENCES person(id),
    plate       TEXT NOT NULL,
    space       TEXT NOT NULL DEFAULT '',
    start_date  TEXT NOT NULL,
    end_date    TEXT,
    created_at  TEXT NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES operator(id),
    ended_at    TEXT,
    ended_by    INTEGER REFERENCES operator(id)
);
CREATE UNIQUE INDEX vehicle_current_plate ON vehicle(plate) WHERE end_date IS NULL;
CREATE INDEX vehicle_unit ON vehicle(unit_id);

-- Cards and handsets issued to a unit: 住户卡, 车卡, 可视对讲机.
CREATE TABLE card (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    person_id    INTEGER REFERENCES person(id),
    kind         TEXT NOT NULL CHECK (kind IN ('住户卡', '车卡', '可视对讲机')),
    card_no      TEXT NOT NULL DEFAULT '',
    issued_on    TEXT NOT NULL,
    returned_on  TEXT CHECK (returned_on IS NULL OR returned_on >= issued_on),
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES operator(id),
    returned_by  INTEGER REFERENCES operator(id)
);
CREATE INDEX card_unit ON card(unit_id);

-- 单元大事记: the per-unit log of important events. Entries are never edited or removed.
CREATE TABLE unit_event (
    id           INTEGER PRIMARY KEY,
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    event_date   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    text         TEXT NOT NULL,
    operator_id  INTEGER NOT NULL REFERENCES operator(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX unit_event_unit ON unit_event(unit_id, event_date);
CREATE TRIGGER unit_event_no_update BEFORE UPDATE ON unit_event
BEGIN SELECT RAISE(ABORT, '单元大事记不可修改'); END;
CREATE TRIGGER unit_event_no_delete BEFORE DELETE ON unit_event
BEGIN SELECT RAISE(ABORT, '单元大事记不可删除'); END;

-- The append-only audit log: who changed what in the archives, money and custody.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    operator_id  INTEGER REFERENCES operator(id),
    area         TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    INTEGER,
    before_json  TEXT,
    after_json   TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志不可修改'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志不可删除'); END;

-- @version 2
-- Fees (收费): fee items, bills (应收), receipts with their lines (实收), voids, day closes
-- and the dunning log. Receipts and their lines are never changed or removed: a void is a
-- row of its own, and each receipt carries a hash chained to the one before it.

CREATE TABLE fee_item (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    kind                TEXT NOT NULL CHECK (kind IN ('按面积', '固定', '按车辆', '抄表', '公摊', '一次性')),
    price_4dp           INTEGER NOT NULL CHECK (price_4dp >= 0),
    unit_kinds          TEXT NOT NULL DEFAULT '',
    vacant_discount_bp  INTEGER NOT NULL DEFAULT 0 CHECK (vacant_discount_bp BETWEEN 0 AND 10000),
    late_rate_per_10000 INTEGER NOT NULL DEFAULT 0 CHECK (late_rate_per_10000 >= 0),
    late_cap_percent    INTEGER CHECK (late_cap_percent IS NULL OR late_cap_percent > 0),
    due_days            INTEGER NOT NULL DEFAULT 15 CHECK (due_days >= 0),
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          TEXT NOT NULL,
    created_by          INTEGER NOT NULL REFERENCES operator(id),
    updated_at          TEXT NOT NULL,
    updated_by          INTEGER NOT NULL REFERENCES operator(id)
);

-- Units a fee item applies to besides its unit kinds ('加收'), or is waived for ('免收').
CREATE TABLE fee_item_unit (
    fee_item_id  INTEGER NOT NULL REFERENCES fee_item(id),
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    mode         TEXT NOT NULL CHECK (mode IN ('加收', '免收')),
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES operator(id),
    PRIMARY KEY (fee_item_id, unit_id)
);

-- 应收: one line per unit, fee item, period and payer's part of the period.
CREATE TABLE bill (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES unit(id),
    fee_item_id   INTEGER NOT NULL REFERENCES fee_item(id),
    period        TEXT NOT NULL,
    part_start    TEXT NOT NULL,
    part_end      TEXT NOT NULL,
    item_name     TEXT NOT NULL,
    detail        TEXT NOT NULL,
    quantity      INTEGER NOT NULL,
    quantity_scale INTEGER NOT NULL CHECK (quantity_scale > 0),
    part_num      INTEGER NOT NULL DEFAULT 1,
    part_den      INTEGER NOT NULL DEFAULT 1 CHECK (part_den > 0),
    price_4dp     INTEGER NOT NULL,
    discount_bp   INTEGER NOT NULL DEFAULT 0,
    gross_fen     INTEGER NOT NULL,
    discount_fen  INTEGER NOT NULL DEFAULT 0,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen >= 0),
    -- Paid on valid receipts: kept by the payment and void that change it, in their own
    -- transaction, and checked against the receipt lines by `wuye-desk verify`.
    paid_fen      INTEGER NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= amount_fen),
    payer         TEXT NOT NULL DEFAULT '',
    due_date      TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES operator(id),
    updated_at    TEXT NOT NULL,
    updated_by    INTEGER NOT NULL REFERENCES operator(id),
    UNIQUE (unit_id, fee_item_id, period, part_start)
);
CREATE INDEX bill_unit ON bill(unit_id);
CREATE INDEX bill_period ON bill(period);
CREATE INDEX bill_unpaid ON bill(due_date) WHERE amount_fen > paid_fen;

-- 收据: numbered from one sequence; hash = SHA-256 of its content and the previous hash.
CREATE TABLE receipt (
    id                INTEGER PRIMARY KEY,
    seq               INTEGER NOT NULL UNIQUE CHECK (seq > 0),
    number            TEXT NOT NULL UNIQUE,
    unit_id           INTEGER NOT NULL REFERENCES unit(id),
    payer             TEXT NOT NULL,
    method            TEXT NOT NULL CHECK (method IN ('现金', '微信', '支付宝', '银行卡', '转账', '预存抵扣')),
    received_fen      INTEGER NOT NULL CHECK (received_fen >= 0),
    balance_used_fen  INTEGER NOT NULL DEFAULT 0 CHECK (balance_used_fen >= 0),
    tendered_fen      INTEGER NOT NULL DEFAULT 0,
    change_fen        INTEGER NOT NULL DEFAULT 0 CHECK (change_fen >= 0),
    business_date     TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    operator_id       INTEGER NOT NULL REFERENCES operator(id),
    note              TEXT NOT NULL DEFAULT '',
    prev_hash         TEXT NOT NULL,
    hash              TEXT NOT NULL
);
CREATE INDEX receipt_unit ON receipt(unit_id);
CREATE INDEX receipt_date ON receipt(business_date);

-- What a receipt paid: a bill (bill_id), or money into the unit's prepaid balance (预存).
CREATE TABLE receipt_line (
    id           INTEGER PRIMARY KEY,
    receipt_id   INTEGER NOT NULL REFERENCES receipt(id),
    bill_id      INTEGER REFERENCES bill(id),
    item_name    TEXT NOT NULL,
    period       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0)
);
CREATE INDEX receipt_line_receipt ON receipt_line(receipt_id);
CREATE INDEX receipt_line_bill ON receipt_line(bill_id);

-- 作废: a void is recorded beside the receipt, which itself never changes.
CREATE TABLE receipt_void (
    receipt_id  INTEGER PRIMARY KEY REFERENCES receipt(id),
    voided_at   TEXT NOT NULL,
    voided_by   INTEGER NOT NULL REFERENCES operator(id),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);

CREATE TRIGGER receipt_no_update BEFORE UPDATE ON receipt
BEGIN SELECT RAISE(ABORT, '收据不可修改，只能作废'); END;
CREATE TRIGGER receipt_no_delete BEFORE DELETE ON receipt
BEGIN SELECT RAISE(ABORT, '收据不可删除，只能作废'); END;
CREATE TRIGGER receipt_line_no_update BEFORE UPDATE ON receipt_line
BEGIN SELECT RAISE(ABORT, '收据明细不可修改'); END;
CREATE TRIGGER receipt_line_no_delete BEFORE DELETE ON receipt_line
BEGIN SELECT RAISE(ABORT, '收据明细不可删除'); END;
CREATE TRIGGER receipt_void_no_update BEFORE UPDATE ON receipt_void
BEGIN SELECT RAISE(ABORT, '作废记录不可修改'); END;
CREATE TRIGGER receipt_void_no_delete BEFORE DELETE ON receipt_void
BEGIN SELECT RAISE(ABORT, '作废记录不可删除'); END;

-- 日结: a closed business day takes no more payments.
CREATE TABLE day_close (
    business_date      TEXT PRIMARY KEY,
    closed_at          TEXT NOT NULL,
    closed_by          INTEGER NOT NULL REFERENCES operator(id),
    cash_expected_fen  INTEGER NOT NULL,
    cash_counted_fen   INTEGER NOT NULL,
    note               TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER day_close_no_delete BEFORE DELETE ON day_close
BEGIN SELECT RAISE(ABORT, '日结记录不可删除'); END;

-- 催缴记录.
CREATE TABLE dunning_log (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    log_date    TEXT NOT NULL,
    method      TEXT NOT NULL CHECK (method IN ('电话', '信件', '上门', '短信')),
    result      TEXT NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operator(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX dunning_unit ON dunning_log(unit_id);

-- @version 3
-- Keys (钥匙): key sets held in trust for units and shops, loans (《钥匙借用登记表》) ended by
-- a return and never edited, the office's stock of cards and handsets, and monthly
-- stock-takes (盘点) that are final once the supervisor signs them.

-- A set of keys a resident entrusted to the office (托管钥匙).
CREATE TABLE key_set (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES unit(id),
    label          TEXT NOT NULL CHECK (length(trim(label)) > 0),
    key_count      INTEGER NOT NULL CHECK (key_count > 0),
    position       TEXT NOT NULL DEFAULT '',
    entrusted_by   TEXT NOT NULL CHECK (length(trim(entrusted_by)) > 0),
    entrusted_on   TEXT NOT NULL,
    authorisation  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES operator(id)
);
CREATE INDEX key_set_unit ON key_set(unit_id);
CREATE TRIGGER key_set_no_delete BEFORE DELETE ON key_set
BEGIN SELECT RAISE(ABORT, '托管钥匙记录不可删除'); END;

-- One loan. Only the return columns may be filled in, once; nothing else ever changes.
CREATE TABLE key_loan (
    id               INTEGER PRIMARY KEY,
    key_set_id       INTEGER NOT NULL REFERENCES key_set(id),
    borrower         TEXT NOT NULL CHECK (length(trim(borrower)) > 0),
    phone            TEXT NOT NULL,
    relation         TEXT NOT NULL CHECK (relation IN ('业主', '家属', '租户', '装修', '工程', '其他')),
    id_number        TEXT NOT NULL,
    purpose          TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
    identity_check   TEXT NOT NULL CHECK (identity_check IN ('业主本人', '档案核对', '业主授权')),
    confirmed_by     TEXT NOT NULL DEFAULT '',
    confirmed_means  TEXT NOT NULL DEFAULT '',
    out_at           TEXT NOT NULL,
    due_on           TEXT NOT NULL,
    lent_by          INTEGER NOT NULL REFERENCES operator(id),
    returned_at      TEXT CHECK (returned_at IS NULL OR returned_at >= out_at),
    received_by      INTEGER REFERENCES operator(id),
    condition        TEXT,
    return_stamped   TEXT
);
CREATE UNIQUE INDEX key_loan_one_open ON key_loan(key_set_id) WHERE returned_at IS NULL;
CREATE INDEX key_loan_set ON key_loan(key_set_id, out_at);
CREATE INDEX key_loan_open_due ON key_loan(due_on) WHERE returned_at IS NULL;
CREATE TRIGGER key_loan_no_delete BEFORE DELETE ON key_loan
BEGIN SELECT RAISE(ABORT, '钥匙借用记录不可删除'); END;
CREATE TRIGGER key_loan_return_once BEFORE UPDATE ON key_loan
WHEN OLD.returned_at IS NOT NULL
  OR NEW.key_set_id IS NOT OLD.key_set_id OR NEW.borrower IS NOT OLD.borrower
  OR NEW.phone IS NOT OLD.phone OR NEW.relation IS NOT OLD.relation
  OR NEW.id_number IS NOT OLD.id_number OR NEW.purpose IS NOT OLD.purpose
  OR NEW.identity_check IS NOT OLD.identity_check OR NEW.confirmed_by IS NOT OLD.confirmed_by
  OR NEW.confirmed_means IS NOT OLD.confirmed_means OR NEW.out_at IS NOT OLD.out_at
  OR NEW.due_on IS NOT OLD.due_on OR NEW.lent_by IS NOT OLD.lent_by
BEGIN SELECT RAISE(ABORT, '钥匙借用记录只能登记一次归还，不可修改'); END;

-- Cards and handsets the office keeps in stock (not yet issued), counted at each stock-take.
CREATE TABLE office_stock (
    kind        TEXT PRIMARY KEY CHECK (kind IN ('住户卡', '车卡', '可视对讲机')),
    expected    INTEGER NOT NULL CHECK (expected >= 0),
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER NOT NULL REFERENCES operator(id)
);

-- 盘点: one per month; final once signed by the supervisor.
CREATE TABLE stocktake (
    id          INTEGER PRIMARY KEY,
    month       TEXT NOT NULL UNIQUE,
    counted_at  TEXT NOT NULL,
    counted_by  INTEGER NOT NULL REFERENCES operator(id),
    signed_at   TEXT,
    signed_by   INTEGER REFERENCES operator(id),
    sign_note   TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER stocktake_no_delete BEFORE DELETE ON stocktake
BEGIN SELECT RAISE(ABORT, '盘点记录不可删除'); END;
CREATE TRIGGER stocktake_sign_once BEFORE UPDATE ON stocktake
WHEN OLD.signed_at IS NOT NULL OR NEW.month IS NOT OLD.month
  OR NEW.counted_at IS NOT OLD.counted_at OR NEW.counted_by IS NOT OLD.counted_by
BEGIN SELECT RAISE(ABORT, '已签字的盘点不可修改'); END;

-- The lines of a stock-take: what was expected in the office and what was counted.
CREATE TABLE stocktake_line (
    id            INTEGER PRIMARY KEY,
    stocktake_id  INTEGER NOT NULL REFERENCES stocktake(id),
    kind          TEXT NOT NULL CHECK (kind IN ('钥匙', '住户卡', '车卡', '可视对讲机')),
    key_set_id    INTEGER REFERENCES key_set(id),
    label         TEXT NOT NULL,
    expected      INTEGER NOT NULL CHECK (expected >= 0),
    counted       INTEGER NOT NULL CHECK (counted >= 0),
    note          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX stocktake_line_take ON stocktake_line(stocktake_id);
CREATE TRIGGER stocktake_line_no_update BEFORE UPDATE ON stocktake_line
BEGIN SELECT RAISE(ABORT, '盘点明细不可修改'); END;
CREATE TRIGGER stocktake_line_no_delete BEFORE DELETE ON stocktake_line
BEGIN SELECT RAISE(ABORT, '盘点明细不可删除'); END;

-- @version 4
-- 工程维修单: one repair order. Its state moves forward only through dated entries in
-- repair_entry; the columns below that change (state, technician, appointment, completion,
-- materials, charge) mirror the latest entries for quick lists.
CREATE TABLE repair_order (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    unit_id        INTEGER REFERENCES unit(id),
    place          TEXT NOT NULL DEFAULT '',
    reporter       TEXT NOT NULL CHECK (length(trim(reporter)) > 0),
    phone          TEXT NOT NULL DEFAULT '',
    category       TEXT NOT NULL CHECK (length(trim(category)) > 0),
    description    TEXT NOT NULL CHECK (length(trim(description)) > 0),
    reported_at    TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('登记', '已派工', '已完工', '已验收', '已回访', '关闭')),
    technician     TEXT NOT NULL DEFAULT '',
    appointment    TEXT NOT NULL DEFAULT '',
    materials      TEXT NOT NULL DEFAULT '',
    charge_fen     INTEGER NOT NULL DEFAULT 0 CHECK (charge_fen >= 0),
    bill_id        INTEGER REFERENCES bill(id),
    completed_at   TEXT,
    closed_at      TEXT,
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES operator(id),
    CHECK ((unit_id IS NULL) <> (length(trim(place)) = 0))
);
CREATE INDEX repair_order_state ON repair_order(state, reported_at);
CREATE INDEX repair_order_unit ON repair_order(unit_id);
CREATE INDEX repair_order_month ON repair_order(reported_at);
CREATE TRIGGER repair_order_no_delete BEFORE DELETE ON repair_order
BEGIN SELECT RAISE(ABORT, '维修单不可删除'); END;
CREATE TRIGGER repair_order_fixed BEFORE UPDATE ON repair_order
WHEN NEW.number IS NOT OLD.number OR NEW.unit_id IS NOT OLD.unit_id
  OR NEW.place IS NOT OLD.place OR NEW.reporter IS NOT OLD.reporter
  OR NEW.reported_at IS NOT OLD.reported_at OR NEW.created_at IS NOT OLD.created_at
  OR NEW.created_by IS NOT OLD.created_by OR OLD.state = '关闭'
BEGIN SELECT RAISE(ABORT, '维修单的登记内容不可修改，已关闭的维修单不可再改'); END;

-- The dated entries of a repair order: registration, dispatch, completion, check, callback,
-- closing, notes. Append-only.
CREATE TABLE repair_entry (
    id            INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES repair_order(id),
    at            TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('登记', '派工', '完工', '验收', '回访', '关闭', '备注')),
    text          TEXT NOT NULL DEFAULT '',
    satisfaction  INTEGER CHECK (satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5),
    operator_id   INTEGER NOT NULL REFERENCES operator(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX repair_entry_order ON repair_entry(order_id, id);
CREATE TRIGGER repair_entry_no_update BEFORE UPDATE ON repair_entry
BEGIN SELECT RAISE(ABORT, '维修单记录不可修改，请追加一条新记录'); END;
CREATE TRIGGER repair_entry_no_delete BEFORE DELETE ON repair_entry
BEGIN SELECT RAISE(ABORT, '维修单记录不可删除'); END;

-- 《业户服务需求/投诉登记表》: one complaint or service request. Its state moves forward only
-- through dated entries in complaint_entry; the changing columns mirror the latest entries.
CREATE TABLE complaint (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE,
    unit_id       INTEGER REFERENCES unit(id),
    person        TEXT NOT NULL CHECK (length(trim(person)) > 0),
    phone         TEXT NOT NULL DEFAULT '',
    category      TEXT NOT NULL CHECK (length(trim(category)) > 0),
    content       TEXT NOT NULL CHECK (length(trim(content)) > 0),
    received_at   TEXT NOT NULL,
    due_at        TEXT NOT NULL,
    serious       INTEGER NOT NULL DEFAULT 0 CHECK (serious IN (0, 1)),
    state         TEXT NOT NULL CHECK (state IN ('登记', '已派单', '处理中', '已解决', '已回访', '关闭')),
    department    TEXT NOT NULL DEFAULT '',
    handler       TEXT NOT NULL DEFAULT '',
    resolved_at   TEXT,
    closed_at     TEXT,
    created_at    TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES operator(id)
);
CREATE INDEX complaint_state ON complaint(state, due_at);
CREATE INDEX complaint_unit ON complaint(unit_id);
CREATE INDEX complaint_month ON complaint(received_at);
CREATE TRIGGER complaint_no_delete BEFORE DELETE ON complaint
BEGIN SELECT RAISE(ABORT, '投诉记录不可删除'); END;
CREATE TRIGGER complaint_fixed BEFORE UPDATE ON complaint
WHEN NEW.number IS NOT OLD.number OR NEW.unit_id IS NOT OLD.unit_id
  OR NEW.person IS NOT OLD.person OR NEW.content IS NOT OLD.content
  OR NEW.received_at IS NOT OLD.received_at OR NEW.created_at IS NOT OLD.created_at
  OR NEW.created_by IS NOT OLD.created_by OR OLD.state = '关闭'
BEGIN SELECT RAISE(ABORT, '投诉的登记内容不可修改，已关闭的投诉不可再改'); END;

-- The dated entries of a complaint. Append-only.
CREATE TABLE complaint_entry (
    id            INTEGER PRIMARY KEY,
    complaint_id  INTEGER NOT NULL REFERENCES complaint(id),
    at            TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('登记', '派单', '处理中', '已解决', '回访', '关闭', '重大', '备注')),
    text          TEXT NOT NULL DEFAULT '',
    satisfaction  INTEGER CHECK (satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5),
    operator_id   INTEGER NOT NULL REFERENCES operator(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX complaint_entry_of ON complaint_entry(complaint_id, id);
CREATE TRIGGER complaint_entry_no_update BEFORE UPDATE ON complaint_entry
BEGIN SELECT RAISE(ABORT, '投诉记录不可修改，请追加一条新记录'); END;
CREATE TRIGGER complaint_entry_no_delete BEFORE DELETE ON complaint_entry
BEGIN SELECT RAISE(ABORT, '投诉记录不可删除'); END;

-- 《客服接待记录表》: one visit or call at the desk. The record is fixed once written; only its
-- finishing (办结) and the complaint or repair order it became are filled in later, once.
CREATE TABLE reception (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('来访', '来电', '其他')),
    unit_id       INTEGER REFERENCES unit(id),
    person        TEXT NOT NULL CHECK (length(trim(person)) > 0),
    phone         TEXT NOT NULL DEFAULT '',
    category      TEXT NOT NULL CHECK (category IN ('咨询', '报修', '投诉', '求助', '建议', '办理业务')),
    matter        TEXT NOT NULL CHECK (length(trim(matter)) > 0),
    result        TEXT NOT NULL DEFAULT '',
    finished_at   TEXT,
    finish_note   TEXT NOT NULL DEFAULT '',
    complaint_id  INTEGER REFERENCES complaint(id),
    repair_id     INTEGER REFERENCES repair_order(id),
    handled_by    INTEGER NOT NULL REFERENCES operator(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX reception_at ON reception(at);
CREATE INDEX reception_open ON reception(at) WHERE finished_at IS NULL;
CREATE TRIGGER reception_no_delete BEFORE DELETE ON reception
BEGIN SELECT RAISE(ABORT, '接待记录不可删除'); END;
CREATE TRIGGER reception_fixed BEFORE UPDATE ON reception
WHEN NEW.at IS NOT OLD.at OR NEW.channel IS NOT OLD.channel OR NEW.unit_id IS NOT OLD.unit_id
  OR NEW.person IS NOT OLD.person OR NEW.phone IS NOT OLD.phone
  OR NEW.category IS NOT OLD.category OR NEW.matter IS NOT OLD.matter
  OR NEW.result IS NOT OLD.result OR NEW.handled_by IS NOT OLD.handled_by
  OR NEW.created_at IS NOT OLD.created_at
  OR (OLD.finished_at IS NOT NULL AND NEW.finished_at IS NOT OLD.finished_at)
  OR (OLD.complaint_id IS NOT NULL AND NEW.complaint_id IS NOT OLD.complaint_id)
  OR (OLD.repair_id IS NOT NULL AND NEW.repair_id IS NOT OLD.repair_id)
BEGIN SELECT RAISE(ABORT, '接待记录不可修改'); END;

-- 《物品放行条》: goods a bearer may take out through the gate, confirmed with the owner.
-- Fixed once written.
CREATE TABLE goods_pass (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    unit_id         INTEGER NOT NULL REFERENCES unit(id),
    bearer          TEXT NOT NULL CHECK (length(trim(bearer)) > 0),
    items           TEXT NOT NULL CHECK (length(trim(items)) > 0),
    confirmed_by    TEXT NOT NULL CHECK (length(trim(confirmed_by)) > 0),
    confirm_means   TEXT NOT NULL CHECK (confirm_means IN ('电话', '本人到场')),
    valid_on        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      INTEGER NOT NULL REFERENCES operator(id)
);
CREATE INDEX goods_pass_day ON goods_pass(created_at);
CREATE TRIGGER goods_pass_no_update BEFORE UPDATE ON goods_pass
BEGIN SELECT RAISE(ABORT, '放行条不可修改'); END;
CREATE TRIGGER goods_pass_no_delete BEFORE DELETE ON goods_pass
BEGIN SELECT RAISE(ABORT, '放行条不可删除'); END;

-- 收发信件: mail and parcels held at the desk. Told and collected are filled in once each.
CREATE TABLE mail_item (
    id             INTEGER PRIMARY KEY,
    unit_id        INTEGER NOT NULL REFERENCES unit(id),
    recipient      TEXT NOT NULL CHECK (length(trim(recipient)) > 0),
    kind           TEXT NOT NULL CHECK (kind IN ('信件', '包裹', '挂号信', '其他')),
    sender         TEXT NOT NULL DEFAULT '',
    arrived_at     TEXT NOT NULL,
    notified_at    TEXT,
    notified_how   TEXT NOT NULL DEFAULT '',
    collected_at   TEXT,
    collected_by   TEXT NOT NULL DEFAULT '',
    created_by     INTEGER NOT NULL REFERENCES operator(id)
);
CREATE INDEX mail_item_waiting ON mail_item(arrived_at) WHERE collected_at IS NULL;
CREATE TRIGGER mail_item_no_delete BEFORE DELETE ON mail_item
BEGIN SELECT RAISE(ABORT, '信件记录不可删除'); END;
CREATE TRIGGER mail_item_once BEFORE UPDATE ON mail_item
WHEN NEW.unit_id IS NOT OLD.unit_id OR NEW.recipient IS NOT OLD.recipient
  OR NEW.kind IS NOT OLD.kind OR NEW.sender IS NOT OLD.sender
  OR NEW.arrived_at IS NOT OLD.arrived_at OR NEW.created_by IS NOT OLD.created_by
  OR (OLD.notified_at IS NOT NULL AND NEW.notified_at IS NOT OLD.notified_at)
  OR (OLD.collected_at IS NOT NULL AND NEW.collected_at IS NOT OLD.collected_at)
BEGIN SELECT RAISE(ABORT, '信件记录只能登记一次通知和一次领取'); END;

-- 《客服部工作交接表》: at the end of a shift, the open items with notes for the next person;
-- shown on 今日待办 until someone acknowledges it (once).
CREATE TABLE shift_handover (
    id               INTEGER PRIMARY KEY,
    written_at       TEXT NOT NULL,
    written_by       INTEGER NOT NULL REFERENCES operator(id),
    open_items       TEXT NOT NULL DEFAULT '',
    notes            TEXT NOT NULL CHECK (length(trim(notes)) > 0),
    acknowledged_at  TEXT,
    acknowledged_by  INTEGER REFERENCES operator(id)
);
CREATE INDEX shift_handover_open ON shift_handover(written_at) WHERE acknowledged_at IS NULL;
CREATE TRIGGER shift_handover_no_delete BEFORE DELETE ON shift_handover
BEGIN SELECT RAISE(ABORT, '交接记录不可删除'); END;
CREATE TRIGGER shift_handover_ack_once BEFORE UPDATE ON shift_handover
WHEN OLD.acknowledged_at IS NOT NULL OR NEW.written_at IS NOT OLD.written_at
  OR NEW.written_by IS NOT OLD.written_by OR NEW.open_items IS NOT OLD.open_items
  OR NEW.notes IS NOT OLD.notes
BEGIN SELECT RAISE(ABORT, '交接记录只能确认一次，不可修改'); END;

-- 通知/公告 for the notice board. Fixed once written: a correction is a new notice.
CREATE TABLE board_notice (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL CHECK (length(trim(title)) > 0),
    body         TEXT NOT NULL CHECK (length(trim(body)) > 0),
    notice_date  TEXT NOT NULL,
    audience     TEXT NOT NULL CHECK (length(trim(audience)) > 0),
    created_at   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES operator(id)
);
CREATE INDEX board_notice_date ON board_notice(notice_date);
CREATE TRIGGER board_notice_no_update BEFORE UPDATE ON board_notice
BEGIN SELECT RAISE(ABORT, '已发布的通知不可修改，请发布更正通知'); END;
CREATE TRIGGER board_notice_no_delete BEFORE DELETE ON board_notice
BEGIN SELECT RAISE(ABORT, '通知不可删除'); END;

-- @version 5
-- Meters (抄表): unit and common meters (公共水电表) with their replacements (换表), monthly
-- readings, corrections of readings already billed, and the units a common meter's cost is
-- shared over (公摊). Month-end closing (月末结账): records dated in a closed month can no
-- longer be changed; corrections go into the current month.

-- Which meters a 抄表 or 公摊 fee item bills from.
ALTER TABLE fee_item ADD COLUMN meter_kind TEXT
    CHECK (meter_kind IS NULL OR meter_kind IN ('水', '电', '燃气'));

-- One physical meter. A unit meter has unit_id; a common meter has a name, a building (or
-- none for the whole estate) and how its cost is shared. A replacement closes the old meter
-- with its final reading and opens a new one that `replaces` it, with its start reading.
CREATE TABLE meter (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER REFERENCES unit(id),
    building_id   INTEGER REFERENCES building(id),
    name          TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL CHECK (kind IN ('水', '电', '燃气')),
    number        TEXT NOT NULL CHECK (length(trim(number)) > 0),
    location      TEXT NOT NULL DEFAULT '',
    multiplier    INTEGER NOT NULL DEFAULT 1 CHECK (multiplier > 0),
    digits        INTEGER NOT NULL CHECK (digits BETWEEN 3 AND 9),
    start_milli   INTEGER NOT NULL DEFAULT 0 CHECK (start_milli >= 0),
    opened_on     TEXT NOT NULL,
    replaces      INTEGER REFERENCES meter(id),
    closed_on     TEXT CHECK (closed_on IS NULL OR closed_on >= opened_on),
    final_milli   INTEGER CHECK (final_milli IS NULL OR final_milli >= 0),
    share_basis   TEXT CHECK (share_basis IS NULL OR share_basis IN ('按面积', '按户')),
    share_scope   TEXT CHECK (share_scope IS NULL OR share_scope IN ('本楼栋', '全小区', '指定房屋')),
    created_at    TEXT NOT NULL,
    created_by    INTEGER NOT NULL REFERENCES operator(id),
    closed_at     TEXT,
    closed_by     INTEGER REFERENCES operator(id),
    CHECK ((closed_on IS NULL) = (final_milli IS NULL)),
    CHECK ((unit_id IS NULL) = (share_basis IS NOT NULL AND share_scope IS NOT NULL)),
    CHECK (unit_id IS NOT NULL OR length(trim(name)) > 0)
);
CREATE UNIQUE INDEX meter_number_open ON meter(kind, number) WHERE closed_on IS NULL;
CREATE UNIQUE INDEX meter_unit_open ON meter(unit_id, kind) WHERE closed_on IS NULL AND unit_id IS NOT NULL;
CREATE INDEX meter_unit ON meter(unit_id);
CREATE INDEX meter_building ON meter(building_id);
CREATE TRIGGER meter_no_delete BEFORE DELETE ON meter
BEGIN SELECT RAISE(ABORT, '表具记录不可删除，请做换表或拆表'); END;
CREATE TRIGGER meter_fixed BEFORE UPDATE ON meter
WHEN NEW.unit_id IS NOT OLD.unit_id OR NEW.kind IS NOT OLD.kind
  OR NEW.opened_on IS NOT OLD.opened_on OR NEW.replaces IS NOT OLD.replaces
  OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
  OR (OLD.closed_on IS NOT NULL AND (NEW.closed_on IS NOT OLD.closed_on OR NEW.final_milli IS NOT OLD.final_milli))
  OR ((NEW.multiplier IS NOT OLD.multiplier OR NEW.digits IS NOT OLD.digits OR NEW.start_milli IS NOT OLD.start_milli)
      AND EXISTS (SELECT 1 FROM meter_reading WHERE meter_id = OLD.id))
BEGIN SELECT RAISE(ABORT, '表具已有读数：倍率、位数和起始读数不可修改，已拆换的表不可再改；请做换表'); END;

-- The units a common meter with scope 指定房屋 is shared over.
CREATE TABLE meter_share_unit (
    meter_id  INTEGER NOT NULL REFERENCES meter(id),
    unit_id   INTEGER NOT NULL REFERENCES unit(id),
    PRIMARY KEY (meter_id, unit_id)
);

-- One month's reading of one meter. Re-entered freely until it is billed or its month is
-- closed; after that a correction is a row of meter_correction and the reading stays.
CREATE TABLE meter_reading (
    id             INTEGER PRIMARY KEY,
    meter_id       INTEGER NOT NULL REFERENCES meter(id),
    month          TEXT NOT NULL,
    value_milli    INTEGER NOT NULL CHECK (value_milli >= 0),
    rollover       INTEGER NOT NULL DEFAULT 0 CHECK (rollover IN (0, 1)),
    read_on        TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT '正常' CHECK (state IN ('正常', '待复核')),
    note           TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '录入' CHECK (source IN ('录入', '导入')),
    billed_period  TEXT,
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES operator(id),
    updated_at     TEXT NOT NULL,
    updated_by     INTEGER NOT NULL REFERENCES operator(id),
    UNIQUE (meter_id, month)
);
CREATE INDEX meter_reading_month ON meter_reading(month);
CREATE INDEX meter_reading_recheck ON meter_reading(month) WHERE state = '待复核';
CREATE TRIGGER meter_reading_no_delete BEFORE DELETE ON meter_reading
BEGIN SELECT RAISE(ABORT, '读数记录不可删除'); END;
CREATE TRIGGER meter_reading_billed BEFORE UPDATE ON meter_reading
WHEN OLD.billed_period IS NOT NULL
  AND (NEW.value_milli IS NOT OLD.value_milli OR NEW.rollover IS NOT OLD.rollover
    OR NEW.month IS NOT OLD.month OR NEW.meter_id IS NOT OLD.meter_id
    OR NEW.read_on IS NOT OLD.read_on OR NEW.billed_period IS NOT OLD.billed_period)
BEGIN SELECT RAISE(ABORT, '已计费的读数不可修改，请做读数更正（差额计入下期账单）'); END;

-- 读数更正: a reading that was billed (or whose month is closed) read wrongly. The new value
-- counts from now on; the difference in usage it makes to what was billed goes into the
-- next bill of the meter (settled_period), never back into the old one.
CREATE TABLE meter_correction (
    id                 INTEGER PRIMARY KEY,
    reading_id         INTEGER NOT NULL REFERENCES meter_reading(id),
    old_milli          INTEGER NOT NULL,
    new_milli          INTEGER NOT NULL CHECK (new_milli >= 0),
    old_rollover       INTEGER NOT NULL CHECK (old_rollover IN (0, 1)),
    new_rollover       INTEGER NOT NULL CHECK (new_rollover IN (0, 1)),
    usage_delta_milli  INTEGER NOT NULL,
    reason             TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    settled_period     TEXT,
    created_at         TEXT NOT NULL,
    created_by         INTEGER NOT NULL REFERENCES operator(id)
);
CREATE INDEX meter_correction_reading ON meter_correction(reading_id);
CREATE TRIGGER meter_correction_no_delete BEFORE DELETE ON meter_correction
BEGIN SELECT RAISE(ABORT, '读数更正记录不可删除'); END;
CREATE TRIGGER meter_correction_settle_once BEFORE UPDATE ON meter_correction
WHEN OLD.settled_period IS NOT NULL OR NEW.reading_id IS NOT OLD.reading_id
  OR NEW.old_milli IS NOT OLD.old_milli OR NEW.new_milli IS NOT OLD.new_milli
  OR NEW.old_rollover IS NOT OLD.old_rollover OR NEW.new_rollover IS NOT OLD.new_rollover
  OR NEW.usage_delta_milli IS NOT OLD.usage_delta_milli OR NEW.reason IS NOT OLD.reason
  OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
BEGIN SELECT RAISE(ABORT, '读数更正记录不可修改'); END;

-- 月末结账: a month closed by the supervisor. Final.
CREATE TABLE month_close (
    month      TEXT PRIMARY KEY,
    closed_at  TEXT NOT NULL,
    closed_by  INTEGER NOT NULL REFERENCES operator(id),
    note       TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER month_close_no_update BEFORE UPDATE ON month_close
BEGIN SELECT RAISE(ABORT, '月末结账不可撤销'); END;
CREATE TRIGGER month_close_no_delete BEFORE DELETE ON month_close
BEGIN SELECT RAISE(ABORT, '月末结账不可撤销'); END;

-- Records dated in a closed month: nothing new, nothing changed. Every guard raises the same
-- message, which the program shows as it is.
CREATE TRIGGER receipt_closed_month BEFORE INSERT ON receipt
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.business_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER receipt_void_closed_month BEFORE INSERT ON receipt_void
WHEN EXISTS (SELECT 1 FROM month_close WHERE month =
    (SELECT substr(business_date, 1, 7) FROM receipt WHERE id = NEW.receipt_id))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER day_close_closed_month BEFORE INSERT ON day_close
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.business_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER dunning_log_closed_month BEFORE INSERT ON dunning_log
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.log_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER bill_closed_month BEFORE UPDATE OF amount_fen, gross_fen, discount_fen, price_4dp ON bill
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(OLD.created_at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER key_loan_closed_month BEFORE INSERT ON key_loan
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.out_at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER key_loan_return_closed_month BEFORE UPDATE OF returned_at ON key_loan
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.returned_at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER stocktake_closed_month BEFORE INSERT ON stocktake
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = NEW.month)
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER stocktake_sign_closed_month BEFORE UPDATE ON stocktake
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = OLD.month)
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER stocktake_line_closed_month BEFORE INSERT ON stocktake_line
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = (SELECT month FROM stocktake WHERE id = NEW.stocktake_id))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER repair_order_closed_month BEFORE INSERT ON repair_order
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.reported_at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER repair_entry_closed_month BEFORE INSERT ON repair_entry
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER complaint_closed_month BEFORE INSERT ON complaint
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.received_at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER complaint_entry_closed_month BEFORE INSERT ON complaint_entry
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER reception_closed_month BEFORE INSERT ON reception
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER reception_finish_closed_month BEFORE UPDATE OF finished_at ON reception
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.finished_at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER goods_pass_closed_month BEFORE INSERT ON goods_pass
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.valid_on, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER mail_item_closed_month BEFORE INSERT ON mail_item
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.arrived_at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER mail_item_done_closed_month BEFORE UPDATE OF notified_at, collected_at ON mail_item
WHEN (NEW.notified_at IS NOT OLD.notified_at
      AND EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.notified_at, 1, 7)))
  OR (NEW.collected_at IS NOT OLD.collected_at
      AND EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.collected_at, 1, 7)))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER shift_handover_closed_month BEFORE INSERT ON shift_handover
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.written_at, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER board_notice_closed_month BEFORE INSERT ON board_notice
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.notice_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER occupancy_closed_month BEFORE INSERT ON occupancy
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.start_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER occupancy_end_closed_month BEFORE UPDATE OF end_date ON occupancy
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.end_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER vehicle_closed_month BEFORE INSERT ON vehicle
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.start_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER vehicle_end_closed_month BEFORE UPDATE OF end_date ON vehicle
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.end_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER card_closed_month BEFORE INSERT ON card
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.issued_on, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER card_return_closed_month BEFORE UPDATE OF returned_on ON card
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.returned_on, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER unit_event_closed_month BEFORE INSERT ON unit_event
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.event_date, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER meter_closed_month BEFORE INSERT ON meter
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.opened_on, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER meter_close_closed_month BEFORE UPDATE OF closed_on ON meter
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = substr(NEW.closed_on, 1, 7))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER meter_reading_closed_month BEFORE INSERT ON meter_reading
WHEN EXISTS (SELECT 1 FROM month_close WHERE month = NEW.month)
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;
CREATE TRIGGER meter_reading_change_closed_month BEFORE UPDATE OF value_milli, rollover, read_on, state, note, month ON meter_reading
WHEN EXISTS (SELECT 1 FROM month_close WHERE month IN (OLD.month, NEW.month))
BEGIN SELECT RAISE(ABORT, '该月已月末结账，记录不能再改动；如需更正，请在本月登记'); END;

-- @version 6

-- 拆表: a meter taken out for good, with no new one; why, as the desk wrote it. A meter
-- closed by 换表 has none. Set when the meter is closed, and fixed from then on.
ALTER TABLE meter ADD COLUMN removed_note TEXT
    CHECK (removed_note IS NULL OR (closed_on IS NOT NULL AND length(trim(removed_note)) > 0));
CREATE TRIGGER meter_removed_fixed BEFORE UPDATE OF removed_note ON meter
WHEN OLD.closed_on IS NOT NULL AND NEW.removed_note IS NOT OLD.removed_note
BEGIN SELECT RAISE(ABORT, '已拆换的表不可再改'); END;
