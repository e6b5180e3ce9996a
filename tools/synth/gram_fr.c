/* gram_fr.c — French grammar (Québec and francophone users) for organic posts, replies,
 * quotes and profiles. Written for chorus-synth. Topics without a French grammar fall back to
 * daily life. */
#include "synth.h"

const GramDef gram_fr[] = {
    {"fr.opener", "~Bon.|Franchement,|Ok mais|Petite réflexion :|Sérieux,|Hmm.|Ouf.|Rappel :|Bref,|Honnêtement,"},
    {"fr.closer", "~Voilà.|Bref.|On verra.|Misère.|C'est tout.|Vos avis ?|Ça n'a aucun sens.|Je dis ça, je dis rien.|Ouf.|Bonne soirée !"},
    {"fr.city", "~Montréal|Québec|Gatineau|Laval|Sherbrooke|Trois-Rivières|Longueuil|Saguenay|Rimouski|Lévis"},

    {"fr.post.cdnpoli", "{s}|{s} {s2}|{opener} {s}|{s} {closer}"},
    {"fr.post.cdnpoli.s", "{^actor} {verb} {issue}{when}.|Encore un débat sur {issue} à l'Assemblée nationale. {s2}|Sondage : les {party} à {n:22:39} %, {s2}|Mon loyer a augmenté de {n:5:18} % cette année et {rent_tail}|Quelqu'un peut m'expliquer le plan pour {issue} ?"},
    {"fr.post.cdnpoli.s2", "Rien de neuf.|On tourne en rond.|Les gens sont épuisés.|Ça va coûter cher.|Il était temps.|Pas fort."},
    {"fr.post.cdnpoli.actor", "~le gouvernement Legault|Ottawa|les libéraux|le Bloc|les conservateurs|Québec solidaire|le PQ|mon député|le fédéral|la mairesse|le ministre des Finances"},
    {"fr.post.cdnpoli.verb", "annonce encore des millions pour|refuse de répondre sur|promet de régler|s'attaque enfin à|recule sur|se traîne les pieds sur|veut revoir"},
    {"fr.post.cdnpoli.issue", "~le logement|le troisième lien|l'immigration|les soins de santé|le prix de l'épicerie|la langue française|les garderies|le tramway|les impôts|les urgences|le transport en commun"},
    {"fr.post.cdnpoli.when", "| aujourd'hui| cette semaine| encore une fois| ce matin| sans aucun détail"},
    {"fr.post.cdnpoli.party", "libéraux|caquistes|péquistes|solidaires|conservateurs|bloquistes"},
    {"fr.post.cdnpoli.rent_tail", "mon salaire, lui, n'a pas bougé.|je ne sais pas combien de temps je vais tenir.|personne au pouvoir ne semble comprendre."},

    {"fr.post.interf", "{s}|{s} {s2}|{opener} {s}|{s} {closer}"},
    {"fr.post.interf.s", "L'ingérence étrangère {view}|Le rapporteur spécial {rap}|On parle beaucoup des prétendus postes de police à Montréal, {tail}|L'ambassade répète toujours la même chose : affaires intérieures, calomnies, guerre froide. {mock}|Il faut une commission d'enquête publique, point.|Attention à ne pas mettre tous les Sino-Canadiens dans le même panier. {caution}|Un registre des agents étrangers {reg}"},
    {"fr.post.interf.s2", "Les citoyens méritent des réponses.|Ça ne devrait pas être partisan.|La transparence, maintenant.|Tout le monde fait de la politique avec ça."},
    {"fr.post.interf.view", "mérite une vraie enquête indépendante.|n'est pas une question partisane.|inquiète beaucoup de monde dans mon quartier.|est un vrai problème, mais les fuites compliquent tout."},
    {"fr.post.interf.rap", "dépose son rapport et personne n'est satisfait.|devrait rencontrer les communautés concernées.|a un mandat trop étroit, à mon avis."},
    {"fr.post.interf.tail", "mais on attend encore des faits.|et la GRC reste discrète.|la communauté se sent visée."},
    {"fr.post.interf.mock", "Toujours le même communiqué.|Copier-coller.|Personne n'y croit.|On connaît la chanson."},
    {"fr.post.interf.caution", "Le racisme n'est pas de la sécurité nationale.|Les communautés sont souvent les premières victimes."},
    {"fr.post.interf.reg", "arrive bien tard.|doit viser tous les pays.|doit être fait avec soin."},

    {"fr.post.sports", "{s}|{s} {s2}|{opener} {s}"},
    {"fr.post.sports.s", "{^team} {result}|Suzuki {player}|Match ce soir au Centre Bell, {tail}|Mon petit joue au hockey à 6 h demain matin, {kid}"},
    {"fr.post.sports.s2", "Go Habs go !|On y croit.|La reconstruction, ça prend du temps.|Quel match !"},
    {"fr.post.sports.team", "les Canadiens|le CF Montréal|les Alouettes|le Rocket de Laval"},
    {"fr.post.sports.result", "ont gagné {n:2:5}-{n:0:1} hier soir !|ont encore perdu en prolongation.|jouent ce soir, j'ai hâte.|méritaient mieux que ça."},
    {"fr.post.sports.player", "avec {n:2:3} points ce soir, quel joueur.|est en feu.|mérite le C pour longtemps."},
    {"fr.post.sports.tail", "l'ambiance va être folle.|j'ai des billets !|je regarde ça chez mon frère."},
    {"fr.post.sports.kid", "la vie de parent de hockey.|le café va être fort."},

    {"fr.post.daily", "{s}|{s} {s2}|{opener} {s}|{s} {closer}"},
    {"fr.post.daily.s", "Encore de la neige à {city}, {weather}|Café, croissant et {treat}|Le trafic sur {road} ce matin, {traffic}|Mon chat {cat}|Souper : {dish}. {food}|Enfin {finally}.|Quelqu'un d'autre {anyone} ?"},
    {"fr.post.daily.s2", "Bonne journée tout le monde.|La vie est belle.|On lâche pas.|Vivement le printemps."},
    {"fr.post.daily.weather", "j'en peux plus.|les enfants sont contents au moins.|vive le Québec.|le printemps, c'est pour quand ?"},
    {"fr.post.daily.treat", "le soleil. Parfait.|un bon livre.|zéro courriel. Le bonheur."},
    {"fr.post.daily.road", "le pont Champlain|la 40|la 15|le pont Jacques-Cartier|Décarie|la 20"},
    {"fr.post.daily.traffic", "un cauchemar.|comme d'habitude.|étonnamment fluide.|une heure pour faire dix kilomètres."},
    {"fr.post.daily.cat", "a décidé que mon clavier était son lit.|me réveille à 5 h tous les matins.|a attrapé une mouche. Héros du jour."},
    {"fr.post.daily.dish", "pâté chinois|soupe aux pois|tourtière|pâtes au pesto|poutine maison|pho"},
    {"fr.post.daily.food", "Succès total.|Les enfants ont tout mangé.|Un classique."},
    {"fr.post.daily.finally", "trouvé un médecin de famille|fini mes impôts|réservé les vacances"},
    {"fr.post.daily.anyone", "trouve que l'épicerie coûte une fortune|a encore ses lumières de Noël|compte les jours avant les vacances"},

    {"fr.reply", "~D'accord à 100 %.|Tellement vrai.|Pas sûr de ça.|Tu as une source ?|Exactement !|Ben voyons.|Haha trop vrai 😂|Bien dit.|Je ne suis pas d'accord.|C'est ça le problème.|Quand ça ?"},
    {"fr.quote", "~À lire.|Intéressant.|Voilà.|Quelle histoire.|Incroyable.|Enfin.|Ouf.|À suivre."},
    {NULL, NULL}};
