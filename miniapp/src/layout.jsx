import React, { useState } from "react";
import { AnimationRoutes, App, BottomNavigation, Route, ZMPRouter } from "zmp-ui";

// Inline SVG icons: zmp-ui's icon font comes from Zalo's CDN, which a plain browser may not reach.
const icon = (path) => (
  <svg className="nav-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    <path d={path} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);
const CHAT = "M4 5h16v11H9l-5 4z";
const SEARCH = "M11 4a7 7 0 1 0 0 14a7 7 0 1 0 0-14zM16 16l5 5";
import ChatPage from "./pages/chat.jsx";
import CataloguePage from "./pages/catalogue.jsx";

// Two screens switched by the bottom bar. A memory router (zmp-ui pages need one) keeps URLs out of
// it, so the same build works under our /miniapp/ path and on Zalo's hosting.
function Screens() {
  const [tab, setTab] = useState("chat");
  return (
    <>
      <div className="screen">
        <div hidden={tab !== "chat"} className="screen-body">
          <ChatPage />
        </div>
        <div hidden={tab !== "services"} className="screen-body">
          <CataloguePage />
        </div>
      </div>
      <BottomNavigation fixed activeKey={tab} onChange={(key) => setTab(key)}>
        <BottomNavigation.Item key="chat" itemKey="chat" label="Hỏi đáp" icon={icon(CHAT)} data-testid="tab-chat" />
        <BottomNavigation.Item key="services" itemKey="services" label="Thủ tục" icon={icon(SEARCH)} data-testid="tab-services" />
      </BottomNavigation>
    </>
  );
}

export default function Layout() {
  return (
    <App>
      <ZMPRouter memoryRouter>
        <AnimationRoutes>
          <Route path="/" element={<Screens />} />
        </AnimationRoutes>
      </ZMPRouter>
    </App>
  );
}
