import React from "react";
import { createRoot } from "react-dom/client";
import "zmp-ui/zaui.css";
import "./styles.css";
import Layout from "./layout.jsx";

createRoot(document.getElementById("app")).render(<Layout />);
