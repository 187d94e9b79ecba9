import Markdown, { type Components } from 'react-markdown';

/** Links leave the studio; nothing a reply says can navigate the studio itself. */
const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
  // A reply's headings are emphasis inside a chat bubble, not page structure.
  h1: ({ children }) => <p className="md-heading">{children}</p>,
  h2: ({ children }) => <p className="md-heading">{children}</p>,
  h3: ({ children }) => <p className="md-heading">{children}</p>,
  img: ({ alt }) => <span className="muted">[image: {alt}]</span>,
};

/**
 * An agent's reply as Markdown: paragraphs, lists, emphasis, code and links. Raw HTML in the text is
 * dropped (skipHtml), and react-markdown's URL filter removes javascript: and other unsafe links.
 */
export function MarkdownText({ text }: { text: string }) {
  return (
    <div className="md">
      <Markdown skipHtml components={components}>
        {text}
      </Markdown>
    </div>
  );
}
