import React, { useEffect, useState } from "react";
import { Box, Button, Input, List, Page, Spinner, Text } from "zmp-ui";
import { searchServices, serviceDetail } from "../api.js";

const pick = (localised) => (localised && (localised.vi || localised.en)) || "";
const money = (value) => (value === null || value === undefined ? null : `${value.toLocaleString("vi-VN")} đồng`);

function Field({ label, value }) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return null;
  return (
    <section className="field">
      <Text.Header size="small">{label}</Text.Header>
      {Array.isArray(value) ? (
        <ol>{value.map((item, index) => <li key={index}>{String(item)}</li>)}</ol>
      ) : (
        <Text>{String(value)}</Text>
      )}
    </section>
  );
}

function Detail({ slug, onBack }) {
  const [service, setService] = useState(null);
  const [error, setError] = useState(null);
  const fee = (service && service.fee_in_force) || {};
  const waiver = (fee.reductions || []).find((r) => r.condition && r.online === 0);
  useEffect(() => {
    serviceDetail(slug).then(setService).catch((e) => setError(e.message));
  }, [slug]);
  return (
    <div className="detail" data-testid="service-detail">
      <Button size="small" variant="tertiary" onClick={onBack} data-testid="back">← Danh sách</Button>
      {error && <Text className="error">Không tải được thủ tục: {error}</Text>}
      {!service && !error && <Spinner visible />}
      {service && (
        <>
          <Text.Title size="normal">{pick(service.name)}</Text.Title>
          <Field label="Cơ quan giải quyết" value={pick(service.agency)} />
          <Field label="Ai được nộp" value={pick(service.who_may_file)} />
          {/* Today's fee, computed by the catalogue layer (core/fees.py) like the chat answers. */}
          <div data-testid="fee-today">
            <Field label="Lệ phí hiện nay – nộp trực tuyến" value={money(fee.online ?? service.fee_online)} />
            <Field label="Lệ phí hiện nay – nộp trực tiếp" value={money(fee.offline ?? service.fee_offline)} />
            {waiver && <Field label="Được miễn nếu" value={`${pick(waiver.condition)} (${waiver.document})`} />}
          </div>
          <Field label="Ghi chú lệ phí" value={pick(service.fee_note)} />
          <Field label="Giấy tờ" value={pick(service.documents)} />
          <Field label="Các bước" value={pick(service.steps)} />
          <Field label="Thời gian giải quyết" value={pick(service.processing_time)} />
          <Field label="Nơi nộp" value={pick(service.where_to_file)} />
          {service.portal_url && (
            <p><a href={service.portal_url} target="_blank" rel="noopener noreferrer">Nộp hồ sơ trực tuyến</a></p>
          )}
          <p className="source" data-testid="service-source">
            Nguồn: <a href={service.source_url} target="_blank" rel="noopener noreferrer">
              {service.source_title || service.source_url}
            </a>
            {" · cập nhật "}{service.last_checked}
          </p>
        </>
      )}
    </div>
  );
}

export default function CataloguePage() {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState(null);
  const [error, setError] = useState(null);
  const [selected, setSelected] = useState(null);

  async function load(q) {
    setError(null);
    try {
      const body = await searchServices(q);
      setResults(body.services);
    } catch (e) {
      setError(e.message);
    }
  }

  useEffect(() => { load(""); }, []);

  if (selected) {
    return <Page className="page"><Detail slug={selected} onBack={() => setSelected(null)} /></Page>;
  }
  return (
    <Page className="page catalogue-page">
      <Box className="title-bar"><Text.Title size="small">Tra cứu thủ tục</Text.Title></Box>
      <form className="search" role="search" onSubmit={(event) => { event.preventDefault(); load(query); }}>
        <Input.Search
          placeholder="Tìm thủ tục (vd: hộ chiếu)"
          aria-label="Tìm thủ tục"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onSearch={(value) => load(value)}
          data-testid="service-search"
        />
      </form>
      {error && <Text className="error">Không tải được danh sách: {error}</Text>}
      {results === null && !error && <Spinner visible />}
      {results && results.length === 0 && <Text data-testid="no-results">Không tìm thấy thủ tục phù hợp.</Text>}
      {results && results.length > 0 && (
        <List data-testid="service-list">
          {results.map((service) => (
            <List.Item
              key={service.slug}
              title={pick(service.name)}
              subTitle={pick(service.agency) /* no base fee here: today's fee (with reductions) is on the detail page */}
              onClick={() => setSelected(service.slug)}
              data-testid={`service-${service.slug}`}
            />
          ))}
        </List>
      )}
    </Page>
  );
}
